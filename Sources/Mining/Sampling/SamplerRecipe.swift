/// A sampler described by name and settings, as `mine`'s options give it: checked before any data is read, then
/// built over a search space. Names are `uniform`, `gfn` and `tpe`; `pruner` wraps any of them in successive
/// halving or Hyperband.
public struct SamplerRecipe: Sendable, Equatable {
  public var sampler = "uniform"
  /// gfn/tpe: the score rewarded (`TrialReward.Kind`'s raw value) and where it is measured (`Period`).
  public var reward = "sharpe"
  public var rewardPeriod = "validation"
  /// gfn: reward sharpness, R = exp(beta · score).
  public var beta = 10.0
  /// gfn/tpe: configurations per batch.
  public var batch = 8
  /// gfn/tpe: the score lowered by λ × the trial's correlation with the benchmark.
  public var uniqueness = 0.0
  public var rewardCap: Double?
  /// gfn: policy candidates drawn per proposal, the least like the best so far kept (1: off).
  public var diversityPool = 1
  /// `none`, or a `SuccessiveHalvingSampler.Mode` raw value.
  public var pruner = "none"
  public var eta = 3
  public var minFidelity = 1.0 / 9
  public var seed: UInt64 = 0

  public init() {}

  /// The reward the settings describe, checked even for uniform so a typo fails before a long run.
  /// - Throws: `MiningError` naming the option and what was expected.
  public func trialReward() throws -> TrialReward {
    guard ["uniform", "gfn", "tpe"].contains(sampler) else {
      throw MiningError("--sampler \(sampler): expected uniform, gfn or tpe")
    }
    guard pruner == "none" || SuccessiveHalvingSampler.Mode(rawValue: pruner) != nil else {
      throw MiningError("--pruner \(pruner): expected none, halving or hyperband")
    }
    guard let kind = TrialReward.Kind(rawValue: reward) else {
      throw MiningError("--reward \(reward): expected sharpe, corr, mmc or beat")
    }
    guard let period = TrialReward.Period(rawValue: rewardPeriod) else {
      throw MiningError("--reward-period \(rewardPeriod): expected validation or whole")
    }
    guard beta.isFinite, beta > 0 else { throw MiningError("--beta \(beta): expected a positive number") }
    guard uniqueness.isFinite else { throw MiningError("--uniqueness \(uniqueness): expected a number") }
    if let rewardCap, !rewardCap.isFinite { throw MiningError("--reward-cap \(rewardCap): expected a number") }
    guard batch >= 1 else { throw MiningError("--batch \(batch): expected at least 1") }
    guard diversityPool >= 1 else { throw MiningError("--diversity-pool \(diversityPool): expected at least 1") }
    return TrialReward(kind: kind, period: period, uniqueness: uniqueness, cap: rewardCap)
  }

  /// The sampler over `space` (untuned parameters at `fixed`), wrapped in the pruner when one is asked for.
  public func make(space: SearchSpace, fixed: [String: Double]) throws -> any ConfigurationSampler {
    let reward = try trialReward()
    let base: any ConfigurationSampler =
      switch sampler {
      case "uniform": UniformSampler(space: space, fixed: fixed, seed: seed)
      case "tpe": TPESampler(space: space, fixed: fixed, reward: reward, seed: seed, batch: batch)
      default:
        try GFlowNetSampler(
          space: space, fixed: fixed, beta: beta, seed: seed, reward: reward, batch: batch, diversityPool: diversityPool)
      }
    guard let mode = SuccessiveHalvingSampler.Mode(rawValue: pruner) else { return base }
    return try SuccessiveHalvingSampler(base: base, mode: mode, eta: eta, minimumFidelity: minFidelity, reward: reward)
  }
}
