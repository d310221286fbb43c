import Foundation
import Testing

@testable import GFlowNet
import NeuralNetwork

@Suite struct RewardSurfaceTests {
  @Test func recoversAnExactlyAdditiveFunction() {
    // f(x) = 1 + a[x0] + b[x1] + c[x2], observed on every assignment; a tiny ridge leaves it exact.
    let a = [0.0, 2.0, -1.0]
    let b = [0.5, -0.5]
    let c = [1.0, 0.0, 3.0, -2.0]
    var xs: [[Int]] = []
    for i in 0..<3 { for j in 0..<2 { for k in 0..<4 { xs.append([i, j, k]) } } }
    let ys = xs.map { 1 + a[$0[0]] + b[$0[1]] + c[$0[2]] }
    var model = RewardSurface(gridSizes: [3, 2, 4], interactions: false, ridge: 1e-9)
    model.fit(xs, logRewards: ys)
    #expect(model.interactionTerms.isEmpty)
    for (x, y) in zip(xs, ys) { #expect(abs(model.predict(x) - y) < 1e-6) }
  }

  @Test func unobservedValuesKeepTheMeanAndObservedOnesAreShrunk() {
    var model = RewardSurface(gridSizes: [3], ridge: 1)
    // Index 0 seen twice at 4, index 1 twice at 0: mean 2; w = ±4/(2+1); index 2 never seen.
    model.fit([[0], [0], [1], [1]], logRewards: [4, 4, 0, 0])
    #expect(abs(model.intercept - 2) < 1e-12)
    #expect(abs(model.predict([0]) - (2 + 4.0 / 3)) < 1e-12)
    #expect(abs(model.predict([1]) - (2 - 4.0 / 3)) < 1e-12)
    #expect(abs(model.predict([2]) - 2) < 1e-12)
  }

  /// A diagonal ridge, like learning rate × trees: log R = −8 (t0 + t1)² + main effects, plus a term in
  /// t0² t2; the categorical position 3 takes part in no interaction.
  @Test func recoversInteractionsBetweenOrdinalPositions() {
    let sizes = [5, 6, 3, 2]
    var model = RewardSurface(gridSizes: sizes, ordinal: [true, true, true, false], ridge: 1e-9)
    #expect(model.interactionTerms.count == 3 + 6)
    #expect(!model.interactionTerms.contains { $0.a == 3 || $0.b == 3 })
    let t = { (k: Int, v: Int) in Double(v) / Double(sizes[k] - 1) - 0.5 }
    let truth = { (x: [Int]) -> Double in
      let diagonal = t(0, x[0]) + t(1, x[1])
      return 0.3 - 8 * diagonal * diagonal + 2 * t(0, x[0]) * t(0, x[0]) * t(2, x[2]) + (x[3] == 1 ? 0.7 : 0)
    }
    var xs: [[Int]] = []
    for a in 0..<5 { for b in 0..<6 { for c in 0..<3 { for d in 0..<2 { xs.append([a, b, c, d]) } } } }
    model.fit(xs, logRewards: xs.map(truth))
    for x in xs { #expect(abs(model.predict(x) - truth(x)) < 1e-6) }
    // The additive surface cannot: its best fit misses the diagonal by more than 0.5 somewhere.
    var additive = RewardSurface(gridSizes: sizes, interactions: false, ridge: 1e-9)
    additive.fit(xs, logRewards: xs.map(truth))
    #expect(xs.map { abs(additive.predict($0) - truth($0)) }.max()! > 0.5)
  }

  @Test func logPartitionBoundIsAnUpperBound() {
    var model = RewardSurface(gridSizes: [4, 3, 5], ridge: 0.5)
    var rng = RandomSource(seed: 9)
    let xs = (0..<30).map { _ in [Int.random(in: 0..<4, using: &rng), Int.random(in: 0..<3, using: &rng), Int.random(in: 0..<5, using: &rng)] }
    model.fit(xs, logRewards: xs.map { Double($0[0] * $0[2]) - Double($0[1]) })
    var all: [Double] = []
    for a in 0..<4 { for b in 0..<3 { for c in 0..<5 { all.append(model.predict([a, b, c])) } } }
    let top = all.max()!
    let exact = top + log(all.reduce(0) { $0 + exp($1 - top) })
    #expect(model.logPartitionBound >= exact)
    #expect(model.logPartitionBound < exact + 5)
  }
}

@Suite struct ConfigurationLearnerTests {
  static let depths: [Double] = [2, 3, 4]
  static let leaves: [Double] = [4, 8, 16, 32]
  static let parameters: [HyperparameterSequence.Parameter] = [
    .init(name: "max_depth", values: depths), .init(name: "num_leaves", values: leaves),
    .init(name: "learning_rate", values: [0.01, 0.1]),
  ]
  static let constraint: @Sendable ([Int]) -> Bool = { prefix in
    prefix.count < 2 || leaves[prefix[1]] <= pow(2, depths[prefix[0]])
  }

  static func settings(seed: UInt64) -> ConfigurationLearner.Settings {
    var s = ConfigurationLearner.Settings()
    s.hiddenWidth = 32
    s.batchSize = 32
    s.stepsPerUpdate = 300
    s.seed = seed
    return s
  }

  static func allConfigurations() throws -> [[Int]] {
    let env = try HyperparameterSequence(parameters: parameters, isAllowed: constraint, reward: { _ in 1 })
    return env.allStates.filter(env.isTerminal)
  }

  @Test func learnsAKnownRewardTableWhenEverythingIsObserved() throws {
    let configurations = try Self.allConfigurations()
    #expect(configurations.count == 12)
    let reward = { (x: [Int]) in Double(1 + x[0] + 2 * x[1] + 3 * x[2]) }
    var learner = try ConfigurationLearner(
      parameters: Self.parameters, isAllowed: Self.constraint, settings: Self.settings(seed: 3))
    for x in configurations { try learner.observe(x, logReward: log(reward(x))) }
    learner.train()
    let z = configurations.map(reward).reduce(0, +)
    let learned = learner.probability(of: configurations)
    let l1 = zip(learned, configurations).reduce(0) { $0 + abs($1.0 - reward($1.1) / z) }
    #expect(abs(learned.reduce(0, +) - 1) < 1e-6)
    #expect(l1 <= 0.05)
    #expect(abs(learner.logZ - log(z)) < 0.05)
  }

  @Test func generalisesFromAFewEvaluationsTowardsHighReward() throws {
    // Eight parameters of eight values, log R = 0.5 · Σ x_k: 16.7 M configurations, 40 evaluated.
    let parameters = (0..<8).map { HyperparameterSequence.Parameter(name: "p\($0)", values: (0..<8).map(Double.init)) }
    let logReward = { (x: [Int]) in 0.5 * Double(x.reduce(0, +)) }
    var settings = Self.settings(seed: 11)
    settings.epsilon = 0
    settings.proposalExploration = 0
    var learner = try ConfigurationLearner(parameters: parameters, settings: settings)
    var rng = RandomSource(seed: 5)
    for _ in 0..<40 {
      let x = (0..<8).map { _ in Int.random(in: 0..<8, using: &rng) }
      try learner.observe(x, logReward: logReward(x))
    }
    learner.train()
    let proposals = learner.propose(200)
    let mean = proposals.map(logReward).reduce(0, +) / Double(proposals.count)
    // Uniform sampling averages 0.5 · 8 · 3.5 = 14 and the true R/Z 0.5 · 8 · 5.61 = 22.4. From only 40
    // evaluations the ridge-shrunk proxy is flatter than the truth; the proposals must still be far above uniform
    // (≈ 19 with this seed).
    #expect(proposals.count == 200)
    #expect(mean > 17)
  }

  @Test func badSettingsAreRefused() throws {
    var settings = Self.settings(seed: 0)
    settings.ridge = 0
    #expect(throws: GFlowNetError.self) { try ConfigurationLearner(parameters: Self.parameters, settings: settings) }
    #expect(throws: GFlowNetError.self) {
      try ConfigurationLearner(parameters: Self.parameters, ordinal: [true], settings: Self.settings(seed: 0))
    }
  }

  @Test func proposalsAreDistinctNewAndRespectTheConstraint() throws {
    var learner = try ConfigurationLearner(
      parameters: Self.parameters, isAllowed: Self.constraint, settings: Self.settings(seed: 1))
    let excluded: Set<[Int]> = [[0, 0, 0], [2, 2, 1]]
    let proposals = learner.propose(20, excluding: excluded)
    // 12 allowed configurations minus the 2 excluded: only 10 exist.
    #expect(proposals.count == 10)
    #expect(Set(proposals).count == 10)
    #expect(Set(proposals).isDisjoint(with: excluded))
    for x in proposals { #expect(Self.leaves[x[1]] <= pow(2, Self.depths[x[0]])) }
  }

  @Test func aRestoredPolicyProposesLikeTheOriginal() throws {
    var learner = try ConfigurationLearner(
      parameters: Self.parameters, isAllowed: Self.constraint, settings: Self.settings(seed: 2))
    try learner.observe([2, 2, 1], logReward: 3)
    #expect(throws: GFlowNetError.self) { try learner.observe([2, 3, 1], logReward: 3) }
    try learner.observe([0, 0, 0], logReward: -1)
    learner.train()
    var resumed = try ConfigurationLearner(
      parameters: Self.parameters, isAllowed: Self.constraint, settings: Self.settings(seed: 2))
    try resumed.restorePolicy(learner.serializedPolicy())
    let all = try Self.allConfigurations()
    #expect(resumed.probability(of: all) == learner.probability(of: all))
    #expect(resumed.logZ == learner.logZ)
    #expect(throws: GFlowNetError.self) { try resumed.restorePolicy([1, 2, 3]) }
  }
}
