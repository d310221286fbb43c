import NumeraiData

/// Uniform sampling over the space's grids: every allowed configuration equally likely, distinct, reproducible.
/// It learns nothing, so it proposes the whole budget at once.
public struct UniformSampler: ConfigurationSampler {
  public let space: SearchSpace
  /// Values of parameters the space does not tune (the benchmark's), for the constraint.
  public let fixed: [String: Double]
  private var rng: SplitMix64

  public var name: String { "uniform" }

  public init(space: SearchSpace, fixed: [String: Double], seed: UInt64) {
    self.space = space
    self.fixed = fixed
    rng = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C908)
  }

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    var seen = existing
    var out: [TrialConfiguration] = []
    var attempts = 0
    // A fresh sampler with a study's seed replays the study's draws before any new one: room for them all.
    while out.count < count, attempts < 1000 * (max(count, 1) + existing.count) {
      attempts += 1
      var values: [String: Double] = [:]
      for p in space.parameters { values[p.name] = p.values[Int(rng.next() % UInt64(p.values.count))] }
      guard space.isAllowed(values, fixed: fixed) else { continue }
      let target = space.targets.isEmpty ? "target" : space.targets[Int(rng.next() % UInt64(space.targets.count))]
      let choices = space.pipelines.searched.map { Int(rng.next() % UInt64($0.values.count)) }
      let configuration = space.pipelines.applying(choices, to: TrialConfiguration(values: values, target: target))
      if seen.insert(configuration).inserted { out.append(configuration) }
    }
    return out
  }
}
