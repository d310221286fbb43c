import Boosting
import Foundation
import TestSupport
import Testing

@testable import Mining

/// `SuccessiveHalvingSampler` driven by a deterministic scorer: rung sizes and fidelities, promotion of the best,
/// Hyperband's brackets, the tree count each rung spends, what the base learns from, and resuming.
@Suite struct SuccessiveHalvingTests {
  /// learning_rate on a 41-point grid; n_estimators fixed at 270 (divisible by 9, so every rung's trees are exact).
  static let space = SearchSpace(
    parameters: [
      .init(name: "learning_rate", values: SearchSpace.linspace(0.01, 0.41, 41), isInteger: false),
      .init(name: "n_estimators", values: [270], isInteger: true),
    ], targets: ["target"])

  /// The fake validation Sharpe: a peak at learning_rate 0.2 (tilted so no two grid values tie), the same at
  /// every fidelity.
  static func score(_ c: TrialConfiguration) -> Double {
    let lr = c.values["learning_rate"]!
    return -abs(lr - 0.2) + 0.001 * lr
  }

  static func sampler(_ mode: SuccessiveHalvingSampler.Mode, seed: UInt64 = 1) throws -> SuccessiveHalvingSampler {
    try SuccessiveHalvingSampler(
      base: UniformSampler(space: space, fixed: [:], seed: seed), mode: mode, eta: 3, minimumFidelity: 1.0 / 9,
      reward: TrialReward())
  }

  /// Proposes and scores `rounds` rounds as the mining loop would (each round trained before the next proposal);
  /// returns each round's proposals.
  static func run(_ sampler: inout SuccessiveHalvingSampler, rounds: Int, history: inout [StudyHistory.Entry])
    throws -> [[TrialConfiguration]]
  {
    var out: [[TrialConfiguration]] = []
    for _ in 0..<rounds {
      let round = sampler.propose(sampler.batchSize!, existing: Set(history.map(\.configuration)))
      for c in round {
        var r = TrialResult(
          id: history.count + 2, isBenchmark: false, sampler: sampler.name, status: .done, config: c.values,
          target: c.target,
          mmcAgainst: "benchmark", beatsBenchmark: false, perEraCorr: [:])
        r.validationSharpe = score(c)
        r.testSharpe = -score(c)  // the test fold must never decide a promotion
        history.append(StudyHistory.Entry(configuration: c, result: r))
      }
      try sampler.observe(StudyHistory(finished: history, benchmark: nil, loadPredictions: { _ in nil }))
      out.append(round)
    }
    return out
  }

  /// Trees trained by a round: Σ n_estimators' over its trials (a deterministic proxy for its CPU time).
  static func trees(_ round: [TrialConfiguration]) throws -> Int {
    try round.reduce(0) { $0 + (try $1.parameters(over: BoostingParameters()).nEstimators) }
  }

  @Test func hyperbandBracketsFollowTheFormula() throws {
    func rungs(_ s: Int, _ sMax: Int, _ eta: Int) -> [[Double]] {
      SuccessiveHalvingSampler.rungs(bracket: s, maxBracket: sMax, eta: eta).map { [Double($0.count), $0.fidelity] }
    }
    let third: [[[Double]]] = [[[9, 1.0 / 9], [3, 1.0 / 3], [1, 1]], [[5, 1.0 / 3], [1, 1]], [[3, 1]]]
    #expect((0...2).reversed().map { rungs($0, 2, 3) } == third)
    // η = 2, s_max = 3 (R = 8 in Li et al.'s table): n = ⌈4/(s+1) · 2^s⌉.
    let half: [[[Double]]] = [
      [[8, 0.125], [4, 0.25], [2, 0.5], [1, 1]], [[6, 0.25], [3, 0.5], [1, 1]], [[4, 0.5], [2, 1]], [[4, 1]],
    ]
    #expect((0...3).reversed().map { rungs($0, 3, 2) } == half)
    let sampler = try Self.sampler(.hyperband)
    #expect(sampler.maxBracket == 2 && sampler.batchSize == 9)
  }

  @Test func halvingRunsNineThreeOneAndPromotesTheBestByValidationReward() throws {
    var sampler = try Self.sampler(.halving)
    var history: [StudyHistory.Entry] = []
    let rounds = try Self.run(&sampler, rounds: 4, history: &history)
    let sizes: [Int] = [9, 3, 1, 9]
    let fidelities: [Set<Double>] = [[1.0 / 9], [1.0 / 3], [1], [1.0 / 9]]
    #expect(rounds.map(\.count) == sizes)
    #expect(rounds.map { Set($0.map(\.fidelity)) } == fidelities)
    let byScore = rounds[0].sorted { Self.score($0) > Self.score($1) }
    #expect(Set(rounds[1].map { $0.at(fidelity: 1) }) == Set(byScore.prefix(3).map { $0.at(fidelity: 1) }))
    #expect(rounds[2].map { $0.at(fidelity: 1) } == [byScore[0].at(fidelity: 1)])
    let seen = Set(rounds[0].map { $0.values })
    #expect(rounds[3].allSatisfy { !seen.contains($0.values) }, "a new bracket proposes new configurations")
  }

  @Test func eachRungSpendsTheSameTreesAndTheBracketAThirdOfFullEvaluations() throws {
    var sampler = try Self.sampler(.halving)
    var history: [StudyHistory.Entry] = []
    let rounds = try Self.run(&sampler, rounds: 3, history: &history)
    let trees = try rounds.map(Self.trees)
    let expected: [Int] = [270, 270, 270]
    #expect(trees == expected, "9 × 30, 3 × 90, 1 × 270 trees")
    #expect(trees.reduce(0, +) * 3 == 9 * 270, "a third of training all nine in full")
  }

  @Test func hyperbandCyclesItsBracketsAndSpendsThePromisedShareInFull() throws {
    var sampler = try Self.sampler(.hyperband)
    var history: [StudyHistory.Entry] = []
    let rounds = try Self.run(&sampler, rounds: 7, history: &history)
    let sizes: [Int] = [9, 3, 1, 5, 1, 3, 9]
    let fidelities: [Double] = [1.0 / 9, 1.0 / 3, 1, 1.0 / 3, 1, 1, 1.0 / 9]
    let expectedTrees: [Int] = [270, 270, 270, 450, 270, 810]
    #expect(rounds.map(\.count) == sizes)
    #expect(rounds.map { $0.first!.fidelity } == fidelities)
    let trees = try rounds.prefix(6).map(Self.trees)
    #expect(trees == expectedTrees)
    // Per cycle: 2340 trees, of which the full-fidelity rungs take (270 + 270 + 810) / 2340 = 15/26.
    let fullShare = Double(trees[2] + trees[4] + trees[5]) / Double(trees.reduce(0, +))
    #expect(abs(fullShare - 15.0 / 26) < 1e-12)
    // The promoted one of bracket 1 is the best of its five by validation reward.
    #expect(rounds[4][0].at(fidelity: 1) == rounds[3].max { Self.score($0) < Self.score($1) }!.at(fidelity: 1))
  }

  /// Records what the base sampler is told while proposing like a uniform one.
  struct RecordingBase: ConfigurationSampler {
    var uniform = UniformSampler(space: SuccessiveHalvingTests.space, fixed: [:], seed: 5)
    var seen: [(fidelity: Double, id: Int)] = []
    var name: String { "recording" }
    var observesResults: Bool { true }
    mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
      uniform.propose(count, existing: existing)
    }
    mutating func observe(_ history: StudyHistory) throws {
      seen = history.finished.map { ($0.configuration.fidelity, $0.result.id) }
    }
  }

  @Test func theBaseSeesEachConfigurationOnceAtItsHighestFidelity() throws {
    var sampler = try SuccessiveHalvingSampler(base: RecordingBase(), mode: .halving, reward: TrialReward())
    var history: [StudyHistory.Entry] = []
    _ = try Self.run(&sampler, rounds: 3, history: &history)
    let base = try #require(sampler.base as? RecordingBase)
    #expect(base.seen.count == 9, "nine configurations, thirteen trials")
    #expect(base.seen.allSatisfy { $0.fidelity == 1 }, "given as fidelity 1 configurations")
    let highest = Dictionary(grouping: history, by: { $0.configuration.at(fidelity: 1) }).mapValues { entries in
      entries.max { $0.configuration.fidelity < $1.configuration.fidelity }!.result.id
    }
    #expect(Set(base.seen.map(\.id)) == Set(highest.values))
  }

  @Test func aRestoredStateProposesTheSameNextRung() throws {
    var sampler = try Self.sampler(.hyperband)
    var history: [StudyHistory.Entry] = []
    _ = try Self.run(&sampler, rounds: 4, history: &history)
    let saved = try #require(sampler.savedState())
    var resumed = try Self.sampler(.hyperband, seed: 99)
    try resumed.restore(saved)
    let existing = Set(history.map(\.configuration))
    let next = sampler.propose(9, existing: existing)
    #expect(next.count == 1 && next[0].fidelity == 1)
    #expect(resumed.propose(9, existing: existing) == next)
    // Saved after proposing but before the proposal was stored: the same rung again, not a new one.
    var again = try Self.sampler(.hyperband, seed: 7)
    try again.restore(try #require(sampler.savedState()))
    #expect(again.propose(9, existing: existing) == next)
    #expect(again.propose(9, existing: existing.union(next)).isEmpty, "the rung is in flight")
    #expect(throws: MiningError.self) { try again.restore(Array("not json".utf8)) }
  }

  @Test func badEtaOrMinimumFidelityIsOneClearError() {
    let base = UniformSampler(space: Self.space, fixed: [:], seed: 1)
    #expect(throws: MiningError("--eta 1: expected an integer ≥ 2")) {
      try SuccessiveHalvingSampler(base: base, mode: .halving, eta: 1, reward: TrialReward())
    }
    #expect(throws: MiningError("--min-fidelity 0.0: expected a number in (0, 1]")) {
      try SuccessiveHalvingSampler(base: base, mode: .halving, minimumFidelity: 0, reward: TrialReward())
    }
  }
}
