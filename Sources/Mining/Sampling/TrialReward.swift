/// The score a learning sampler is rewarded with for a finished trial (mining's `--reward`, `--reward-period`,
/// `--uniqueness`): the gfn sampler's reward is exp(β · score).
public struct TrialReward: Sendable, Equatable {
  /// What is scored.
  public enum Kind: String, Sendable, CaseIterable {
    /// Numerai corr Sharpe.
    case sharpe
    /// Mean numerai corr.
    case corr
    /// Mean MMC (against the benchmark, or the meta model).
    case mmc
    /// By how much the trial beats the benchmark on the weaker of corr and Sharpe:
    /// min(corr / benchmark corr, Sharpe / benchmark Sharpe) − 1 (positive exactly when it beats on both).
    case beat
  }

  /// Where it is measured.
  public enum Period: String, Sendable, CaseIterable {
    /// The first test fold only (the last stays unseen by the sampler).
    case validation
    /// Every out-of-fold era, as beating the benchmark is judged.
    case whole
  }

  public var kind: Kind
  public var period: Period
  /// Subtracted per unit of correlation with the benchmark's predictions.
  public var uniqueness: Double
  /// Scores above this count as this (before the uniqueness term): every configuration at least this good
  /// is wanted equally, so the sampler spreads over all of them instead of crowding the best one.
  public var cap: Double?

  public init(kind: Kind = .sharpe, period: Period = .validation, uniqueness: Double = 0, cap: Double? = nil) {
    self.kind = kind
    self.period = period
    self.uniqueness = uniqueness
    self.cap = cap
  }

  /// The score of `result`, or nil when it has none (unfinished, or the benchmark lacks what `beat` needs).
  public func score(_ result: TrialResult, benchmark: TrialResult?) -> Double? {
    let whole = period == .whole
    func corr(_ r: TrialResult) -> Double? { whole ? r.wholeCorr : r.validationCorr }
    func sharpe(_ r: TrialResult) -> Double? { whole ? r.wholeSharpe : r.validationSharpe }
    let base: Double?
    switch kind {
    case .sharpe: base = sharpe(result)
    case .corr: base = corr(result)
    case .mmc: base = whole ? result.wholeMmc : result.validationMmc
    case .beat:
      if let benchmark, let c = corr(result), let s = sharpe(result), let bc = corr(benchmark), let bs = sharpe(benchmark),
        bc > 0, bs > 0
      {
        base = min(c / bc, s / bs) - 1
      } else {
        base = nil
      }
    }
    return base.map { min($0, cap ?? .infinity) - uniqueness * (result.benchmarkCorrelation ?? 0) }
  }
}
