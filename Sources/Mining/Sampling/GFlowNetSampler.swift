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
///
/// With `diversityPool` k > 1 (and the predictions of evaluated trials observed), each on-policy proposal is
/// picked from k times as many policy draws: greedily the candidate whose mean predicted similarity
/// (`OutputSimilarity`) to the best 20 trials so far (by the ranking given with the outputs: mining passes
/// whole Sharpe, the order `results` and `select` use) and to the candidates already picked is smallest. All
/// candidates are on-policy (no uniform proposals: the pick explores). The policy still learns the reward
/// alone; only which of its draws get evaluated changes.
public struct GFlowNetSampler: ConfigurationSampler {
  public let space: SearchSpace
  public let fixed: [String: Double]
  /// Reward sharpness: R = exp(β · score).
  public let beta: Double
  /// The score rewarded for a finished trial.
  public let reward: TrialReward
  /// Configurations per round (the policy trains after each).
  public let batchSize: Int?
  public var observesResults: Bool { true }
  /// The levels of each parameter (each a contiguous run of grid values), then the targets.
  let levels: [[[Double]]]
  var learner: ConfigurationLearner
  /// Policy draws per on-policy proposal when picking for diversity (≤ 1: off).
  public let diversityPool: Int
  private var similarity: OutputSimilarity
  /// The best 20 evaluated configurations by the ranking given to `observeOutputs`.
  private var bestOutputs: [[Int]] = []
  private var rng: SplitMix64

  public var name: String { "gfn" }

  public init(
    space: SearchSpace, fixed: [String: Double], beta: Double = 10, seed: UInt64, reward: TrialReward = TrialReward(),
    batch: Int = 8, settings: ConfigurationLearner.Settings? = nil, diversityPool: Int = 1
  ) throws {
    self.space = space
    self.fixed = fixed
    self.beta = beta
    self.reward = reward
    batchSize = batch
    self.diversityPool = diversityPool
    var levels: [[[Double]]] = space.parameters.map { p in
      let n = min(32, p.values.count)
      return (0..<n).map { k in Array(p.values[(k * p.values.count / n)..<((k + 1) * p.values.count / n)]) }
    }
    levels.append(space.targets.indices.map { [Double($0)] })
    for dimension in space.pipelines.searched { levels.append(dimension.values.indices.map { [Double($0)] }) }
    self.levels = levels
    let names = space.parameters.map(\.name) + ["target"] + space.pipelines.searched.map(\.name)
    let ordinal = space.parameters.map { _ in true } + [false] + space.pipelines.searched.map { _ in false }
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
      isAllowed: constraint, ordinal: ordinal, settings: s)
    similarity = OutputSimilarity(gridSizes: levels.map(\.count), ordinal: ordinal)
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
    guard let t = space.targets.firstIndex(of: c.target), let pipeline = space.pipelines.choices(of: c) else { return nil }
    return out + [t] + pipeline
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
    return space.pipelines.applying(
      Array(assignment.dropFirst(space.parameters.count + 1)),
      to: TrialConfiguration(values: values, target: space.targets[assignment[space.parameters.count]]))
  }

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    guard diversityPool > 1, similarity.isFitted else { return draw(count, existing: existing) }
    // Every candidate is on-policy: picking the unlike ones is the exploration.
    var out: [TrialConfiguration] = []
    let candidates = draw(count * diversityPool, existing: existing, exploration: 0)
    var left = candidates.compactMap { c in assignment(of: c).map { (c, $0) } }
    var references = bestOutputs
    while out.count < count, !left.isEmpty {
      let scored = left.map { _, a in references.reduce(0) { $0 + similarity.similarity(a, $1) } / Double(max(1, references.count)) }
      let pick = scored.indices.min { scored[$0] < scored[$1] }!
      out.append(left[pick].0)
      references.append(left[pick].1)
      left.remove(at: pick)
    }
    return out
  }

  /// Up to `count` new allowed configurations from the policy (`exploration`: as `ConfigurationLearner.propose`).
  mutating func draw(_ count: Int, existing: Set<TrialConfiguration>, exploration: Double? = nil) -> [TrialConfiguration] {
    var seen = existing
    var out: [TrialConfiguration] = []
    var rounds = 0
    while out.count < count && rounds < 20 {
      rounds += 1
      for a in learner.propose(count - out.count, excluding: [], attempts: 5, exploration: exploration) {
        guard let c = configuration(a), space.isAllowed(c.values, fixed: fixed), seen.insert(c).inserted else { continue }
        out.append(c)
      }
    }
    return out
  }

  /// Evaluated configurations, the correlation matrix of their out-of-fold predictions and the score that
  /// ranks them (all in the same order), for picking diverse proposals away from the best 20.
  public mutating func observeOutputs(_ configurations: [TrialConfiguration], correlations: [[Double]], ranking: [Double]) {
    var assignments: [[Int]] = []
    var rows: [Int] = []
    for (i, c) in configurations.enumerated() {
      guard let a = assignment(of: c) else { continue }
      assignments.append(a)
      rows.append(i)
    }
    similarity.fit(assignments, correlations: rows.map { i in rows.map { correlations[i][$0] } })
    bestOutputs = rows.indices.sorted { ranking[rows[$0]] > ranking[rows[$1]] }.prefix(20).map { assignments[$0] }
  }

  /// Learns from finished trials: their rewards and, with a diversity pool, how alike their predictions are.
  public mutating func observe(_ history: StudyHistory) throws {
    learn(history.finished.compactMap { e in reward.score(e.result, benchmark: history.benchmark).map { (e.configuration, $0) } })
    guard diversityPool > 1 else { return }
    let predictions = try history.finished.map { try history.outOfFoldPredictions($0) }
    let rows = predictions.first?.count ?? 0
    observeOutputs(
      history.finished.map(\.configuration),
      correlations: DiverseSelection.correlations(predictions, stride: max(1, rows / 100_000)),
      ranking: history.finished.map { $0.result.wholeSharpe ?? -.infinity })
  }

  /// Learns from scored configurations (score: higher is better; the reward is exp(β · score)).
  public mutating func learn(_ results: [(TrialConfiguration, Double)]) {
    for (c, score) in results where score.isFinite {
      guard let a = assignment(of: c) else { continue }
      try? learner.observe(a, logReward: beta * score)
    }
    if !results.isEmpty { learner.train() }
  }

  /// The policy's parameters, for the study.
  public func savedState() -> [UInt8]? { learner.serializedPolicy() }

  /// Continues from parameters saved in the study.
  public mutating func restore(_ state: [UInt8]) throws { try learner.restorePolicy(state) }
}
