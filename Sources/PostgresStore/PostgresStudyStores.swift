import Mining

/// Registers the PostgreSQL store with `StudyStores`, so `--study postgresql://…` (or `postgres://…`) opens it.
public enum PostgresStudyStores {
  /// Call once at startup, before any study is opened.
  public static func register() {
    for scheme in PostgresLocation.schemes {
      StudyStores.register(
        scheme: scheme, open: { try PostgresStudyStore.open(url: $0) },
        create: { try PostgresStudyStore.create(url: $0, layout: $1, benchmark: $2, engine: $3) })
    }
  }
}
