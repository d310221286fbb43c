/// The training objectives the trainer can use.
public enum LossKind: String, Sendable, CaseIterable {
  /// Trajectory balance.
  case tb
  /// Detailed balance.
  case db
  /// Sub-trajectory balance (λ = `TrainerConfiguration.lambda`).
  case subtb
  /// Flow matching (edge flows; Bengio et al. 2021).
  case fm
}
