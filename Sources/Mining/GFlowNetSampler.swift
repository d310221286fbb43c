import Foundation
import GFlowNet
import NumeraiData

/// The `gfn` sampler: a GFlowNet policy over the search space that learns from finished trials to propose
/// configurations with probability ∝ exp(β · score).
///
/// Each parameter is a step of a `HyperparameterSequence` (then the target); grids larger than 32 values are
/// coarsened into ≤ 32 contiguous levels, the policy picks a level and the exact value is drawn uniformly
/// inside it. The constraint num_leaves ≤ 2^max_depth is enforced on levels (a level is allowed when some of
/// its values fit) and again on the exact draw. The policy (`ConfigurationLearner`) trains after every
/// observed batch on all evaluations so far plus a proxy for unseen configurations (main effects and
/// interactions between the ordinal parameters; the target is categorical); its parameters are
/// saved in the study, so a resumed run continues learning.
public struct GFlowNetSampler: ConfigurationSampler {
  public let space: SearchSpace
  public let fixed: [String: Double]
  /// Reward sharpness: R = exp(β · score).
  public let beta: Double
  /// The levels of each parameter (each a contiguous run of grid values), then the targets.
  let levels: [[[Double]]]
  var learner: ConfigurationLearner
  private var rng: SplitMix64

  public var name: String { "gfn" }

  public init(space: SearchSpace, fixed: [String: Double], beta: Double = 10, seed: UInt64, settings: ConfigurationLearner.Settings? = nil) throws {
    self.space = space
    self.fixed = fixed
    self.beta = beta
    var levels: [[[Double]]] = space.parameters.map { p in
      let n = min(32, p.values.count)
      return (0..<n).map { k in Array(p.values[(k * p.values.count / n)..<((k + 1) * p.values.count / n)]) }
    }
    levels.append(space.targets.indices.map { [Double($0)] })
    self.levels = levels
    let names = space.parameters.map(\.name) + ["target"]
    let depthIndex = names.firstIndex(of: "max_depth")
    let leavesIndex = names.firstIndex(of: "num_leaves")
    let fixedDepth = fixed["max_depth"]
    let fixedLeaves = fixed["num_leaves"]
    let allLevels = levels
    let constraint: @Sendable ([Int]) -> Bool = { prefix in
      // Largest depth and smallest leaf count the chosen levels allow.
      let depth: Double? = depthIndex.map { i in i < prefix.count ? allLevels[i][prefix[i]].max()! : .infinity } ?? fixedDepth
      let leaves: Double? = leavesIndex.map { i in i < prefix.count ? allLevels[i][prefix[i]].min()! : 0 } ?? fixedLeaves
      guard let depth, let leaves, depth >= 0, depth.isFinite else { return true }
      return leaves <= pow(2, depth)
    }
    var s = settings ?? ConfigurationLearner.Settings()
    s.seed = seed
    learner = try ConfigurationLearner(
      parameters: names.enumerated().map { HyperparameterSequence.Parameter(name: $1, values: levels[$0].indices.map(Double.init)) },
      isAllowed: constraint, ordinal: space.parameters.map { _ in true } + [false], settings: s)
    rng = SplitMix64(seed: seed ^ 0xBEEF ^ 0x6A09_E667_F3BC_C908)
  }

  /// The level assignment of a configuration (nil if a value lies outside the space). A value within 1e-9
  /// (relative) of a grid value counts as that value, so a decimal round trip cannot hide an evaluation.
  func assignment(of c: TrialConfiguration) -> [Int]? {
    var out: [Int] = []
    for (k, p) in space.parameters.enumerated() {
      guard let v = c.values[p.name],
        let level = levels[k].firstIndex(where: { $0.contains { abs($0 - v) <= 1e-9 * max(1, abs(v)) } })
      else { return nil }
      out.append(level)
    }
    guard let t = space.targets.firstIndex(of: c.target) else { return nil }
    return out + [t]
  }

  /// Exact values drawn inside the chosen levels, respecting the constraint.
  mutating func configuration(_ assignment: [Int]) -> TrialConfiguration? {
    var values: [String: Double] = [:]
    for (k, p) in space.parameters.enumerated() {
      let choices = levels[k][assignment[k]]
      values[p.name] = choices[Int(rng.next() % UInt64(choices.count))]
    }
    if let leaves = space.parameters.firstIndex(where: { $0.name == "num_leaves" }) {
      let depth = values["max_depth"] ?? fixed["max_depth"] ?? -1
      if depth >= 0 {
        var fitting = levels[leaves][assignment[leaves]].filter { $0 <= pow(2, depth) }
        if fitting.isEmpty, let d = space.parameters.firstIndex(where: { $0.name == "max_depth" }) {
          // Redraw the depth among its level's values deep enough for the leaf level.
          let low = levels[leaves][assignment[leaves]].min()!
          let deep = levels[d][assignment[d]].filter { pow(2, $0) >= low }
          guard let newDepth = deep.randomElement(using: &rng) else { return nil }
          values["max_depth"] = newDepth
          fitting = levels[leaves][assignment[leaves]].filter { $0 <= pow(2, newDepth) }
        }
        guard let v = fitting.randomElement(using: &rng) else { return nil }
        values["num_leaves"] = v
      }
    }
    return TrialConfiguration(values: values, target: space.targets[assignment.last!])
  }

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    var seen = existing
    var out: [TrialConfiguration] = []
    var rounds = 0
    while out.count < count && rounds < 20 {
      rounds += 1
      for a in learner.propose(count - out.count, excluding: [], attempts: 5) {
        guard let c = configuration(a), space.isAllowed(c.values, fixed: fixed), seen.insert(c).inserted else { continue }
        out.append(c)
      }
    }
    return out
  }

  public mutating func observe(_ results: [(TrialConfiguration, Double)]) {
    for (c, score) in results where score.isFinite {
      guard let a = assignment(of: c) else { continue }
      try? learner.observe(a, logReward: beta * score)
    }
    if !results.isEmpty { learner.train() }
  }

  /// The policy's parameters, for the study.
  public func state() -> [UInt8] { learner.serializedPolicy() }

  /// Continues from parameters saved in the study.
  public mutating func restore(_ bytes: [UInt8]) throws { try learner.restorePolicy(bytes) }
}
