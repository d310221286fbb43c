import Foundation
import NumeraiData
import Scoring
import TestSupport
import Testing

@testable import Mining

/// Successive halving through the real mining loop on a small synthetic study: what is stored, what counts as a
/// model (results, beaters, select, export), and the CPU budget.
@Suite struct MultiFidelityMiningTests {
  static let space = """
    {"n_estimators": [27, 54], "learning_rate": [0.02, 0.05, 0.1, 0.2], "num_leaves": [4, 8], "max_depth": [3, 4]}
    """

  static func uniform(seed: UInt64 = 1) throws -> UniformSampler {
    UniformSampler(
      space: try SearchSpace(json: Data(space.utf8), source: "test", availableTargets: ["target"]),
      fixed: BenchmarkPresets.example, seed: seed)
  }

  @Test func aHalvingStudyStoresNineThreeOneAndOnlyTheFullOneIsAModel() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try LibraryMiningTests.study(dir)
    var sampler = try SuccessiveHalvingSampler(base: try Self.uniform(), mode: .halving, reward: TrialReward())
    #expect(try !study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 13)))
    let trials = try study.store.trials().filter { !$0.isBenchmark }
    #expect(trials.map(\.sampler).allSatisfy { $0 == "halving" })
    let byFidelity = Dictionary(grouping: trials, by: { ($0.configuration.fidelity * 9).rounded() })
    #expect(byFidelity.mapValues(\.count) == [1: 9, 3: 3, 9: 1])

    let all = try study.results(allFidelities: true)
    #expect(all.count == 14 && all.allSatisfy { $0.status == .done })
    let reward = TrialReward()
    func best(_ fidelity: Double, _ k: Int) -> Set<[String: Double]> {
      Set(
        all.filter { !$0.isBenchmark && abs($0.fidelity - fidelity) < 1e-9 }
          .sorted {
            (reward.score($0, benchmark: nil) ?? -.infinity) > (reward.score($1, benchmark: nil) ?? -.infinity)
          }
          .prefix(k).map(\.config))
    }
    #expect(Set(all.filter { abs($0.fidelity - 1.0 / 3) < 1e-9 }.map(\.config)) == best(1.0 / 9, 3))
    #expect(Set(all.filter { !$0.isBenchmark && $0.fidelity == 1 }.map(\.config)) == best(1.0 / 3, 1))

    let models = try study.results()
    #expect(models.map(\.fidelity) == [1, 1], "the benchmark and the one full-fidelity trial")
    #expect(all.filter { $0.fidelity < 1 }.allSatisfy { !$0.beatsBenchmark && $0.deflatedSharpe == nil })
    let chosen = try study.selectDiverse(
      count: 3, maxMeanCorrelation: 1, score: "validation_sharpe", betterThanBenchmark: false)
    #expect(chosen.candidates.map(\.id) == [models[1].id], "select ranks full-fidelity trials only")
    #expect(TrialResultTable(all).text().hasPrefix("      id fidelity"))
    #expect(!TrialResultTable(models).text().contains("fidelity"))
    #expect(try TrialResultTable(all).json().contains(#""fidelity":0.1111111111111111"#))
    let cheap = try #require(all.first { $0.fidelity < 1 })
    #expect {
      try study.export(trials: [cheap.id], dataset: dataset, directory: dir.file("ensemble"), threads: 1, log: { _ in })
    } throws: { error in
      "\(error)"
        == "trial \(cheap.id) of \(study.store.location) is a cheap evaluation at fidelity \(cheap.fidelity), not a model; choose fidelity 1 trials"
    }
  }

  @Test func holdoutRefusesACheapEvaluationBeforeFittingAnything() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let dataset = try SyntheticNumerai(.init(eras: 45, rowsPerEra: 40, features: 8, targets: 1, seed: 9, validationEras: 5)).train
    let sealed = try SealedEras.last(8, of: dataset, target: "target")
    let study = try Study.create(
      dir.file("s.sqlite"), dataset: dataset, files: ["synthetic"],
      splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: SealedEras.open(dataset.eras, sealed: sealed)),
      benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"), sealedEras: sealed)
    let cheap = TrialConfiguration(values: BenchmarkPresets.example, target: "target").at(fidelity: 1.0 / 3)
    let ids = try study.store.addTrials([cheap], sampler: "halving", engine: "gbdt", sampledLimit: 10)
    let id = try #require(ids.first)
    #expect {
      try study.holdout(trials: [id], dataset: dataset, ensemble: true, threads: 1)
    } throws: { error in
      "\(error)"
        == "trial \(id) of \(study.store.location) is a cheap evaluation at fidelity \(1.0 / 3), not a model; choose fidelity 1 trials"
    }
    #expect(try study.store.holdoutScores().isEmpty, "nothing was scored or kept")
  }

  @Test func aLowFidelityTrialIsNeverABeater() {
    func result(_ id: Int, benchmark: Bool, fidelity: Double) -> TrialResult {
      var r = TrialResult(
        id: id, isBenchmark: benchmark, sampler: "s", status: .done, config: [:], target: "target",
        mmcAgainst: "benchmark",
        beatsBenchmark: false, perEraCorr: [:])
      (r.wholeCorr, r.wholeSharpe, r.fidelity) = benchmark ? (0.01, 0.5, 1) : (0.02, 0.9, fidelity)
      return r
    }
    var results = [
      result(1, benchmark: true, fidelity: 1), result(2, benchmark: false, fidelity: 1.0 / 3),
      result(3, benchmark: false, fidelity: 1),
    ]
    TrialResults.markBenchmarkBeaters(&results)
    #expect(results.map(\.beatsBenchmark) == [false, false, true])
  }

  @Test func aCPUBudgetStopsProposingOnceTheRunsHaveTrainedThatLong() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try LibraryMiningTests.study(dir)
    // Spent at once: the first round (the benchmark and one trial, proposed before anything trained) finishes.
    var sampler = try Self.uniform()
    #expect(
      try !study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 50, cpuSeconds: 1e-6)))
    #expect(try study.store.trials().count == 2)
    let first = try study.store.progress().secondsTrained
    #expect(first > 1e-6)
    // Resumed with three times what was spent: rounds of one trial (jobs 1) until the budget is reached.
    let budget = 3 * first
    var resumed = try Self.uniform()
    #expect(
      try !study.optimize(dataset: dataset, sampler: &resumed, budget: MiningBudget(trials: 50, cpuSeconds: budget)))
    let runs = try study.store.splitRuns()
    let last = runs.map(\.trial).max()!
    let spent = runs.reduce(0) { $0 + ($1.seconds ?? 0) }
    let beforeLast = runs.filter { $0.trial != last }.reduce(0) { $0 + ($1.seconds ?? 0) }
    #expect(try study.store.trials().count < 51, "stopped by the budget, not the trial count")
    #expect(spent >= budget, "\(spent) s spent of \(budget)")
    #expect(beforeLast < budget, "the last trial was proposed while \(beforeLast) s < \(budget) s were spent")
    #expect(abs(try study.store.progress().secondsTrained - spent) < 1e-9)
  }
}
