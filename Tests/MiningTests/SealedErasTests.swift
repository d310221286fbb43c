import Boosting
import Foundation
import GFlowNet
import NumeraiData
import Scoring
import TestSupport
import Testing

@testable import Mining

/// Sealed eras are out of reach of mining, and `holdout` is the one way in.
@Suite struct SealedErasTests {
  static let synthetic = try! SyntheticNumerai(.init(eras: 50, rowsPerEra: 80, features: 12, targets: 1, seed: 21, validationEras: 5))
  static let sealedCount = 6

  /// The same data with every label of the last `sealedCount` eras scrambled (1 − label, then rotated by a row).
  static func poisoned(_ d: Dataset) -> Dataset {
    var labels = d.targets.columnArray(0)
    for e in d.eras.indices.suffix(sealedCount) {
      let range = d.eraRanges[e]
      let flipped = range.map { 1 - labels[$0] }
      for (k, r) in range.enumerated() { labels[r] = flipped[(k + 1) % flipped.count] }
    }
    return Dataset(
      ids: d.ids, eras: d.eras, eraRanges: d.eraRanges, featureNames: d.featureNames, features: d.features, targetNames: d.targetNames,
      targets: ColumnMajorMatrix(columns: [labels], rowCount: d.rowCount), dataTypes: d.dataTypes)
  }

  static let space = #"{"n_estimators": [20, 40], "learning_rate": [0.05, 0.1], "num_leaves": [4, 8], "max_depth": [3, 4]}"#

  /// Mines 4 gfn trials with the last `sealedCount` eras sealed.
  static func mine(_ dataset: Dataset, into path: String) throws -> Study {
    let sealed = try SealedEras.last(sealedCount, of: dataset, target: "target")
    let study = try Study.create(
      path, dataset: dataset, files: ["synthetic"],
      splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: SealedEras.open(dataset.eras, sealed: sealed)),
      benchmark: TrialConfiguration(values: try BenchmarkPresets.parse("n_estimators=30,learning_rate=0.1"), target: "target"),
      sealedEras: sealed)
    var settings = ConfigurationLearner.Settings()
    settings.hiddenWidth = 16
    settings.stepsPerUpdate = 30
    var sampler = try GFlowNetSampler(
      space: try SearchSpace(json: Data(space.utf8), source: "test", availableTargets: ["target"]), fixed: BenchmarkPresets.example,
      seed: 4, reward: TrialReward(kind: .beat, period: .whole), batch: 2, settings: settings)
    try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 4))
    return study
  }

  @Test func poisonedSealedLabelsChangeNothingMiningStores() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let clean = try Self.mine(Self.synthetic.train, into: dir.file("clean.sqlite"))
    let poisoned = try Self.mine(Self.poisoned(Self.synthetic.train), into: dir.file("poisoned.sqlite"))
    let sealed = clean.layout.sealedEras
    #expect(sealed == Array(Self.synthetic.train.eras.suffix(Self.sealedCount)))
    for split in clean.layout.splits { #expect(Set(split.trainEras + split.testEras).isDisjoint(with: sealed)) }
    #expect(clean.layout == poisoned.layout)
    #expect(try clean.store.trials() == poisoned.store.trials(), "the sampler proposed the same configurations")
    for trial in try clean.store.trials() {
      #expect(try clean.outOfFoldPredictions(trial: trial.id) == poisoned.outOfFoldPredictions(trial: trial.id))
    }
    #expect(try TrialResultTable(clean.results()).json() == TrialResultTable(poisoned.results()).json())
    #expect(try clean.store.samplerState("gfn") == poisoned.store.samplerState("gfn"), "the reward saw the same numbers")
    let select = { (s: Study) in try s.selectDiverse(count: 2, maxMeanCorrelation: 1, score: "whole_sharpe", betterThanBenchmark: false).ids }
    #expect(try select(clean) == select(poisoned))
    // Opening the sealed eras is what reads their labels.
    let a = try clean.holdout(trials: [2], dataset: Self.synthetic.train, ensemble: false, threads: 2)
    let b = try poisoned.holdout(trials: [2], dataset: Self.poisoned(Self.synthetic.train), ensemble: false, threads: 2)
    #expect(a[1].corr != b[1].corr)
  }

  @Test func holdoutEqualsRefitPredictAndScoreByHand() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = Self.synthetic.train
    let study = try Self.mine(data, into: dir.file("s.sqlite"))
    let scores = try study.holdout(trials: [2, 3], dataset: data, ensemble: true, threads: 2)
    #expect(scores.map(\.name) == ["benchmark", "trial 2", "trial 3", "ensemble 2+3"])
    #expect(try study.store.holdoutScores().sorted { $0.name < $1.name } == scores.sorted { $0.name < $1.name }, "kept for the report")
    let open = data.rows(ofEras: SealedEras.open(data.eras, sealed: study.layout.sealedEras).compactMap { data.eraIndex(of: $0) })
    let sealedEras = data.eras.indices.suffix(Self.sealedCount)
    let labels = data.targets.columnArray(0)
    func byHand(_ predictions: [Int: Double]) -> (corr: Double, sharpe: Double, perEra: [Double]) {
      let perEra = sealedEras.map { e in
        NumeraiMetrics.numeraiCorr(predictions: data.eraRanges[e].map { Double(Float(predictions[$0]!)) }, targets: data.eraRanges[e].map { Double(labels[$0]) })
      }
      let r = RollUp(perEra)
      return (r.mean, r.sharpe, perEra)
    }
    var members: [[Int: Double]] = []
    for (k, id) in [2, 3].enumerated() {
      let trial = try #require(try study.store.trials().first { $0.id == id })
      let model = try GBDTTrainer.train(
        data, rows: open, target: 0, parameters: try trial.configuration.parameters(over: study.layout.benchmarkParameters), threads: 2)
      let sealedRows = data.rows(ofEras: Array(sealedEras))
      let predicted = try model.predict(data, rows: sealedRows, threads: 2)
      let byRow = Dictionary(uniqueKeysWithValues: zip(sealedRows, predicted))
      members.append(byRow)
      let expected = byHand(byRow)
      #expect(abs(scores[k + 1].corr! - expected.corr) < 1e-12, "trial \(id)")
      #expect(abs(scores[k + 1].sharpe! - expected.sharpe) < 1e-9, "trial \(id)")
    }
    var ensemble: [Int: Double] = [:]
    for e in sealedEras {
      let range = Array(data.eraRanges[e])
      for m in members {
        let ranks = NumeraiMetrics.tieKeptRank(range.map { m[$0]! })
        for (k, r) in range.enumerated() { ensemble[r, default: 0] += ranks[k] / 2 }
      }
    }
    #expect(abs(scores[3].corr! - byHand(ensemble).corr) < 1e-12)
    #expect(scores[0].beatsBenchmark == false && scores.allSatisfy { $0.perEraCorr.count == Self.sealedCount })
  }

  @Test func sealingIsCheckedAndKept() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = Self.synthetic.train
    #expect(throws: MiningError("--sealed-eras 45: expected 1…44 (the data has 45 labelled eras)")) {
      try SealedEras.last(45, of: data, target: "target")
    }
    #expect(try SealedEras.from("0041", of: data, target: "target") == ["0041", "0042", "0043", "0044", "0045"])
    let study = try Self.mine(data, into: dir.file("s.sqlite"))
    #expect(try Study.open(dir.file("s.sqlite")).layout.sealedEras == study.layout.sealedEras)
    #expect(throws: MiningError.self) {
      try Study.create(
        dir.file("s.sqlite"), dataset: data, files: ["synthetic"], splits: study.layout.splits,
        benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
    }
    let unsealed = try Study.create(
      dir.file("plain.sqlite"), dataset: data, files: ["synthetic"], splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: data.eras),
      benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
    #expect(throws: MiningError("\(dir.file("plain.sqlite")) has no sealed eras (mine a new study with --sealed-eras N)")) {
      try unsealed.holdout(trials: [1], dataset: data, ensemble: false, threads: 1)
    }
  }
}
