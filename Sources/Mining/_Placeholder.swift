// Placeholder so the target builds before its first real source lands; delete it then.
