import Foundation
import Testing

@testable import GFlowNet
import NeuralNetwork

@Suite struct HyperGridTests {
  @Test(arguments: [(2, 8, 3.1091, 4), (4, 8, 6.3449, 16), (2, 16, 4.1836, 4)])
  func partitionFunctionAndModes(ndim: Int, height: Int, logZ: Double, modes: Int) throws {
    let grid = try HyperGrid(ndim: ndim, height: height)
    let states = grid.allStates
    #expect(states.count == Int(pow(Double(height), Double(ndim))))
    let (_, trueLogZ) = ExactEvaluation<HyperGrid>.targetDistribution(grid, states)
    #expect(abs(trueLogZ - logZ) < 1e-4)
    #expect(states.filter(grid.isMode).count == modes)
  }

  @Test func twoDimensionalEightGridHasZOf22Point4() throws {
    let grid = try HyperGrid(ndim: 2, height: 8)
    let z = grid.allStates.map(grid.reward).reduce(0, +)
    #expect(abs(z - 22.4) < 1e-9)
    #expect(grid.reward([1, 6]) == 2.6)
    #expect(grid.reward([0, 7]) == 0.6)
    #expect(grid.reward([3, 4]) == 0.1)
    #expect(grid.reward([0, 3]) == 0.1)
  }

  @Test func exactBandEdgesAreOutside() throws {
    // H = 16: s = 3 gives |3/15 − 0.5| = 0.3 exactly, s = 2 gives 0.3667.
    let grid = try HyperGrid(ndim: 1, height: 16)
    #expect(grid.reward([3]) == 0.6)
    #expect(grid.reward([2]) == 2.6)
    // H = 5: s = 1 gives exactly 0.25, the outer edge.
    let five = try HyperGrid(ndim: 1, height: 5)
    #expect(five.reward([1]) == 0.1)
    #expect(five.reward([0]) == 0.6)
  }

  @Test func masksStepsAndEncoding() throws {
    let grid = try HyperGrid(ndim: 3, height: 4)
    #expect(grid.forwardMask([0, 3, 1]) == [true, false, true, true])
    #expect(grid.backwardMask([0, 3, 1]) == [false, true, true])
    #expect(grid.step([0, 2, 1], 1) == [0, 3, 1])
    #expect(grid.backwardStep([0, 3, 1], 1) == [0, 2, 1])
    #expect(grid.isTerminal([3, 3, 3]) && !grid.isTerminal([3, 3, 2]))
    var row = [Float](repeating: 0, count: grid.encodingWidth)
    row.withUnsafeMutableBufferPointer { grid.encode([0, 3, 1], into: $0) }
    #expect(row == [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0])
    let states = grid.allStates
    var seen = Set<[Int]>()
    for s in states {
      for d in 0..<3 where s[d] > 0 { #expect(seen.contains(grid.backwardStep(s, d))) }
      seen.insert(s)
    }
  }

  @Test func badDimensionsAreRejected() {
    #expect(throws: GFlowNetError.invalidArgument(name: "ndim", value: "0", expected: "at least 1")) {
      try HyperGrid(ndim: 0, height: 8)
    }
    #expect(throws: GFlowNetError.self) { try HyperGrid(ndim: 2, height: 1) }
  }
}

@Suite struct ExactEvaluationTests {
  @Test func distributionSumsToOneAndMatchesSamples() throws {
    let grid = try HyperGrid(ndim: 2, height: 8)
    var rng = RandomSource(seed: 1)
    var policy = PolicyNetwork(for: grid, hiddenWidth: 16, hiddenLayers: 1, uniformBackward: true, using: &rng)
    let evaluation = ExactEvaluation(environment: grid, policy: &policy)
    #expect(abs(evaluation.learned.reduce(0, +) - 1) < 1e-9)
    #expect(abs(evaluation.target.reduce(0, +) - 1) < 1e-12)
    // 200k samples from the same policy: their histogram is within sampling noise of the DP distribution.
    let objects = Sampler().sample(200_000, from: grid, policy: &policy, using: &rng).map(\.terminalState)
    var counts: [[Int]: Int] = [:]
    for x in objects { counts[x, default: 0] += 1 }
    var l1 = 0.0
    for (s, p) in zip(evaluation.states, evaluation.learned) { l1 += abs(Double(counts[s] ?? 0) / 200_000 - p) }
    #expect(l1 < 0.02)
    // The sampled L1 to the target agrees with the exact one up to sampling noise.
    #expect(abs(evaluation.sampledL1(objects) - evaluation.l1) < 0.02)
    // An untrained policy is far from the target.
    #expect(evaluation.l1 > 0.3)
  }
}

@Suite struct HyperparameterSequenceTests {
  /// max_depth ∈ {2,3,4}, num_leaves ∈ {4,8,16,32} with num_leaves ≤ 2^max_depth, learning_rate ∈ {0.01, 0.1}.
  static func space(reward: @escaping @Sendable ([Int]) -> Double = { _ in 1 }) throws -> HyperparameterSequence {
    let depths: [Double] = [2, 3, 4]
    let leaves: [Double] = [4, 8, 16, 32]
    return try HyperparameterSequence(
      parameters: [
        .init(name: "max_depth", values: depths), .init(name: "num_leaves", values: leaves),
        .init(name: "learning_rate", values: [0.01, 0.1]),
      ],
      isAllowed: { prefix in prefix.count < 2 || leaves[prefix[1]] <= pow(2, depths[prefix[0]]) },
      reward: reward)
  }

  @Test func sampledConfigurationsNeverViolateTheConstraint() throws {
    let env = try Self.space()
    var rng = RandomSource(seed: 9)
    var policy = PolicyNetwork(for: env, hiddenWidth: 8, hiddenLayers: 1, uniformBackward: true, using: &rng)
    let sampler = Sampler(epsilon: 0.5)
    let samples = sampler.sample(10_000, from: env, policy: &policy, using: &rng)
    var distinct = Set<[Int]>()
    for trajectory in samples {
      let config = env.configuration(trajectory.terminalState)
      #expect(trajectory.terminalState.count == 3)
      #expect(config["num_leaves"]! <= pow(2, config["max_depth"]!))
      distinct.insert(trajectory.terminalState)
    }
    // 2·(1 + 2 + 3) allowed configurations, all reached.
    #expect(distinct.count == 12)
    #expect(env.allStates.filter(env.isTerminal).count == 12)
  }

  @Test func trainedPolicyMatchesAKnownRewardTable() throws {
    let env = try Self.space { x in Double(1 + x[0] + 2 * x[1] + 3 * x[2]) }
    var configuration = TrainerConfiguration()
    configuration.hiddenWidth = 32
    configuration.batchSize = 32
    configuration.uniformBackward = true
    configuration.seed = 4
    var trainer = try Trainer(environment: env, configuration: configuration)
    for _ in 0..<300 { trainer.step() }
    let evaluation = ExactEvaluation(environment: env, policy: &trainer.policy)
    #expect(evaluation.l1 <= 0.05)
    #expect(abs(trainer.estimatedLogZ() - evaluation.logZ) < 0.05)
  }
}
