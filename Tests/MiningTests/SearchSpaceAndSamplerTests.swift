import Boosting
import Foundation
import NumeraiData
import Testing

@testable import Mining

@Suite struct SearchSpaceTests {
  @Test func parsesListsLinspaceAndLogspace() throws {
    let json = #"{"max_depth": [2, 3], "num_leaves": {"linspace": [2, 8, 4], "int": true}, "learning_rate": {"logspace": [0.001, 0.1, 3]}, "target": ["target_b"]}"#
    let space = try SearchSpace(json: Data(json.utf8), source: "s.json", availableTargets: ["target", "target_b"])
    #expect(space.parameters.map(\.name) == ["learning_rate", "max_depth", "num_leaves"])
    #expect(space.parameters[2].values == [2, 4, 6, 8])
    let lr = space.parameters[0].values
    #expect(lr.count == 3 && abs(lr[0] - 0.001) < 1e-15 && abs(lr[1] - 0.01) < 1e-15 && abs(lr[2] - 0.1) < 1e-15)
    #expect(space.targets == ["target_b"])
    // depth 2 allows leaves 2, 4; depth 3 allows 2, 4, 6, 8: 6 pairs × 3 learning rates × 1 target.
    #expect(space.count(fixed: [:]) == 18)
  }

  /// Grid values are the decimals the space means, so they print as written in JSON, CSV and tables.
  @Test func gridValuesAreTheirShortestDecimals() throws {
    let json = #"{"colsample_bytree": {"linspace": [0.1, 0.3, 3]}, "reg_lambda": {"linspace": [0, 0.7, 8]}, "learning_rate": {"logspace": [0.001, 0.1, 3]}}"#
    let space = try SearchSpace(json: Data(json.utf8), source: "s.json", availableTargets: ["target"])
    let byName = Dictionary(uniqueKeysWithValues: space.parameters.map { ($0.name, $0.values) })
    // Without snapping: 0.1 + 0.2 · 1/2 = 0.2 exactly, but 0.7 · 3/7 = 0.30000000000000004 and exp(log 0.01).
    #expect(byName["colsample_bytree"]?.map { "\($0)" } == ["0.1", "0.2", "0.3"])
    #expect(byName["reg_lambda"]?.map { "\($0)" } == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    #expect(byName["learning_rate"] == [0.001, 0.01, 0.1])
    let encoded = String(decoding: try JSONSerialization.data(withJSONObject: ["v": byName["reg_lambda"]![3]]), as: UTF8.self)
    #expect(encoded == #"{"v":0.3}"#)
    #expect(abs(SearchSpace.shortestDecimal(1.0 / 3) - 1.0 / 3) < 1e-12)
  }

  @Test func badSpacesAreOneClearError() {
    #expect(throws: MiningError("s.json: unknown parameter 'num_leafs', expected one of: colsample_bytree, reg_lambda, learning_rate, max_bin, max_depth, num_leaves, min_child_samples, n_estimators, target, features, augment")) {
      try SearchSpace(json: Data(#"{"num_leafs": [2]}"#.utf8), source: "s.json", availableTargets: ["target"])
    }
    #expect(throws: MiningError.self) {
      try SearchSpace(json: Data(#"{"target": ["nope"]}"#.utf8), source: "s.json", availableTargets: ["target"])
    }
    #expect(throws: MiningError.self) {
      try SearchSpace(json: Data(#"{"max_depth": {"linspace": [1, 2]}}"#.utf8), source: "s.json", availableTargets: ["target"])
    }
  }

  @Test func theNotebookSpaceHasDesignsGrids() {
    let space = SearchSpace.standard(targets: ["target", "target_x"])
    let sizes = Dictionary(uniqueKeysWithValues: space.parameters.map { ($0.name, $0.values.count) })
    #expect(sizes == [
      "colsample_bytree": 100, "reg_lambda": 10_000, "learning_rate": 1000, "max_bin": 4, "max_depth": 12,
      "num_leaves": 512, "min_child_samples": 1000, "n_estimators": 3000,
    ])
    #expect(space.parameters.first { $0.name == "max_depth" }!.values == (5...16).map(Double.init))
  }
}

@Suite struct UniformSamplerTests {
  static let space = SearchSpace(
    parameters: [
      .init(name: "max_depth", values: [2, 3, 4], isInteger: true),
      .init(name: "num_leaves", values: [4, 8, 16], isInteger: true),
      .init(name: "learning_rate", values: [0.01, 0.1], isInteger: false),
    ], targets: ["target", "target_b"])

  @Test func distinctAllowedAndReproducible() {
    var a = UniformSampler(space: Self.space, fixed: [:], seed: 7)
    var b = UniformSampler(space: Self.space, fixed: [:], seed: 7)
    let first = a.propose(20, existing: [])
    #expect(first == b.propose(20, existing: []))
    #expect(Set(first).count == 20)
    for c in first { #expect(c.values["num_leaves"]! <= pow(2, c.values["max_depth"]!)) }
    // The space holds (1 + 2 + 3) × 2 × 2 = 24 configurations; asking for more returns only the rest.
    let rest = a.propose(10, existing: Set(first))
    #expect(rest.count == 4)
    #expect(Set(rest).isDisjoint(with: first))
    var c = UniformSampler(space: Self.space, fixed: [:], seed: 8)
    #expect(c.propose(20, existing: []) != first)
  }

  /// `mine --trials N+1` with the seed that mined N: a fresh sampler replays the N existing draws first and must
  /// draw past them all (it once gave up after 1,000 attempts, so nothing was added).
  @Test func aResumedStudyGetsNewConfigurationsPastTheReplayedOnes() {
    let wide = SearchSpace(
      parameters: [
        .init(name: "n_estimators", values: (1...40).map(Double.init), isInteger: true),
        .init(name: "learning_rate", values: (1...100).map { Double($0) / 100 }, isInteger: false),
      ], targets: ["target"])
    var mined = UniformSampler(space: wide, fixed: [:], seed: 7)
    let existing = Set(mined.propose(3000, existing: []))
    #expect(existing.count == 3000)
    var resumed = UniformSampler(space: wide, fixed: [:], seed: 7)
    let next = resumed.propose(1, existing: existing)
    #expect(next.count == 1 && !existing.contains(next[0]))
  }

  @Test func configurationsBecomeBoostingParametersOverTheBenchmark() throws {
    let c = TrialConfiguration(values: ["num_leaves": 8, "learning_rate": 0.05], target: "target")
    var base = BoostingParameters()
    base.nEstimators = 2000
    let p = try c.parameters(over: base)
    #expect(p.numLeaves == 8 && p.learningRate == 0.05 && p.nEstimators == 2000)
    #expect(try TrialConfiguration(json: c.json) == c)
  }

  /// A stored configuration reads back as the very same Doubles (Foundation's decimal `doubleValue` was one ulp
  /// off for some grid values, so a re-proposed configuration escaped `existing` and broke the study's
  /// uniqueness), for every value of the notebook's log-spaced grids and random ones.
  @Test func storedConfigurationsReadBackExactly() throws {
    var rng = SplitMix64(seed: 3)
    let logGrid = SearchSpace.standard(targets: ["target"]).parameters.flatMap(\.values)
    let values = [0.07270369403778376, 0.10000000000000002, 1e-7, 1200, 0] + logGrid
      + (0..<2000).map { _ in exp(Double.random(in: -14...8, using: &rng)) }
    for v in values {
      let c = TrialConfiguration(values: ["learning_rate": v, "n_estimators": 1200], target: "target")
      let back = try TrialConfiguration(json: c.json)
      #expect(back == c && back.json == c.json, "\(v)")
    }
    #expect(Set([try TrialConfiguration(json: TrialConfiguration(values: ["learning_rate": 0.07270369403778376], target: "t").json)])
      .contains(TrialConfiguration(values: ["learning_rate": 0.07270369403778376], target: "t")))
  }
}
