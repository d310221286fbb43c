import Foundation
import TestSupport
import Testing

@testable import Mining

@Suite struct TPESamplerTests {
  /// Two parameters on 41-point grids; the score is a noisy quadratic with its peak at (0.3, −0.5).
  static let space = SearchSpace(
    parameters: [
      .init(name: "learning_rate", values: SearchSpace.linspace(-1, 1, 41), isInteger: false),
      .init(name: "reg_lambda", values: SearchSpace.linspace(-1, 1, 41), isInteger: false),
    ], targets: ["target"])

  static func score(_ c: TrialConfiguration, noise: Double) -> Double {
    -pow(c.values["learning_rate"]! - 0.3, 2) - pow(c.values["reg_lambda"]! + 0.5, 2) + noise
  }

  static func distance(_ c: TrialConfiguration) -> Double {
    (pow(c.values["learning_rate"]! - 0.3, 2) + pow(c.values["reg_lambda"]! + 0.5, 2)).squareRoot()
  }

  /// Runs `sampler` for `rounds` rounds of 5, telling it each round's scores (validation Sharpe = the score).
  static func run(_ sampler: inout some ConfigurationSampler, rounds: Int, seed: UInt64) throws -> [TrialConfiguration] {
    var noise = SplitMix64Noise(seed: seed)
    var all: [TrialConfiguration] = []
    var entries: [StudyHistory.Entry] = []
    for _ in 0..<rounds {
      let batch = sampler.propose(5, existing: Set(all))
      all += batch
      for c in batch {
        var r = TrialResult(
          id: all.count, isBenchmark: false, sampler: sampler.name, status: .done, config: c.values, target: c.target,
          mmcAgainst: "benchmark", beatsBenchmark: false, perEraCorr: [:])
        r.validationSharpe = score(c, noise: 0.01 * noise.next())
        entries.append(StudyHistory.Entry(configuration: c, result: r))
      }
      try sampler.observe(StudyHistory(finished: entries, benchmark: nil, loadPredictions: { _ in nil }))
    }
    return all
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func concentratesNearTheOptimumOfANoisyQuadratic(seed: UInt64) throws {
    var tpe = TPESampler(space: Self.space, fixed: [:], seed: seed, batch: 5)
    var uniform = UniformSampler(space: Self.space, fixed: [:], seed: seed)
    let tpeRun = try Self.run(&tpe, rounds: 16, seed: seed)
    let uniformRun = try Self.run(&uniform, rounds: 16, seed: seed)
    #expect(Set(tpeRun).count == 80, "proposals are distinct")
    func meanDistance(_ cs: ArraySlice<TrialConfiguration>) -> Double { cs.map(Self.distance).reduce(0, +) / Double(cs.count) }
    let late = meanDistance(tpeRun.suffix(30))
    let uniformLate = meanDistance(uniformRun.suffix(30))
    #expect(late < 0.5 * uniformLate, "TPE's last 30 lie \(late) from the optimum, uniform's \(uniformLate)")
    let best = tpeRun.max { Self.score($0, noise: 0) < Self.score($1, noise: 0) }!
    #expect(Self.distance(best) <= 0.15, "best found \(best.values)")
  }

  @Test func startupProposalsAreUniformAndRespectTheConstraint() {
    let constrained = SearchSpace(
      parameters: [.init(name: "max_depth", values: [2, 3, 4], isInteger: true), .init(name: "num_leaves", values: [4, 8, 16], isInteger: true)],
      targets: ["target", "target_b"])
    var tpe = TPESampler(space: constrained, fixed: [:], seed: 4)
    let proposals = tpe.propose(20, existing: [])
    #expect(proposals.count == 12, "the 12 allowed configurations (depth 2 takes 4 leaves only, depth 3 up to 8)")
    #expect(proposals.allSatisfy { $0.values["num_leaves"]! <= pow(2, $0.values["max_depth"]!) })
  }
}

/// Uniform noise in [−1, 1) from a fixed seed (the test's own, apart from the samplers' streams).
struct SplitMix64Noise {
  var state: UInt64
  init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(1 << 52) - 1
  }
}

/// Our TPE against Optuna's current release on the same noisy quadratic over the same grid, equal budgets.
@Suite struct TPEOptunaInteropTests {
  static let script = """
    import json, sys, numpy as np, optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = []
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        grid = np.linspace(-1, 1, 41)
        def objective(trial):
            x, y = grid[trial.suggest_int("x", 0, 40)], grid[trial.suggest_int("y", 0, 40)]
            return -(x - 0.3) ** 2 - (y + 0.5) ** 2 + 0.01 * rng.uniform(-1, 1)
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=10))
        study.optimize(objective, n_trials=80)
        points = [(grid[t.params["x"]], grid[t.params["y"]]) for t in study.trials]
        dist = [((x - 0.3) ** 2 + (y + 0.5) ** 2) ** 0.5 for x, y in points]
        out.append({"late": float(np.mean(dist[-30:])), "best": float(min(dist))})
    print(json.dumps(out))
    """

  @Test func reachesTheSameRegionWithComparableRegretAtEqualBudget() throws {
    try PythonPeer.require(modules: ["optuna", "numpy"], packages: ["optuna", "numpy"])
    let optuna = try JSONSerialization.jsonObject(with: Data(try PythonPeer.run(script: Self.script).utf8)) as! [[String: Double]]
    var ours: [(late: Double, best: Double)] = []
    for seed in [1, 2, 3] as [UInt64] {
      var tpe = TPESampler(space: TPESamplerTests.space, fixed: [:], seed: seed, batch: 5)
      let run = try TPESamplerTests.run(&tpe, rounds: 16, seed: seed)
      let distances = run.map(TPESamplerTests.distance)
      ours.append((distances.suffix(30).reduce(0, +) / 30, distances.min()!))
    }
    let optunaLate = optuna.map { $0["late"]! }.reduce(0, +) / 3
    let oursLate = ours.map(\.late).reduce(0, +) / 3
    #expect(oursLate <= 1.5 * optunaLate, "mean distance of the last 30 proposals: ours \(oursLate), Optuna \(optunaLate)")
    #expect(ours.allSatisfy { $0.best <= 0.15 } && optuna.allSatisfy { $0["best"]! <= 0.15 }, "ours \(ours), Optuna \(optuna)")
  }
}
