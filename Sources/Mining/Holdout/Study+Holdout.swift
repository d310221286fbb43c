import Foundation
import NumeraiData
import Scoring

/// One model's scores on a study's sealed eras.
public struct HoldoutScore: Sendable, Codable, Equatable {
  /// `benchmark`, `trial 17` or `ensemble 17+240`.
  public var name: String
  /// The trial (nil for the ensemble).
  public var trial: Int?
  public var corr: Double?
  public var sharpe: Double?
  public var maxDrawdown: Double?
  /// MMC against the benchmark's sealed predictions.
  public var mmc: Double?
  public var benchmarkCorrelation: Double?
  /// Sealed corr and Sharpe both above the benchmark's.
  public var beatsBenchmark: Bool
  /// Per-era numerai corr on the sealed eras.
  public var perEraCorr: [String: Double]

  public init(
    name: String, trial: Int?, corr: Double?, sharpe: Double?, maxDrawdown: Double?, mmc: Double?, benchmarkCorrelation: Double?,
    beatsBenchmark: Bool, perEraCorr: [String: Double]
  ) {
    self.name = name
    self.trial = trial
    self.corr = corr
    self.sharpe = sharpe
    self.maxDrawdown = maxDrawdown
    self.mmc = mmc
    self.benchmarkCorrelation = benchmarkCorrelation
    self.beatsBenchmark = beatsBenchmark
    self.perEraCorr = perEraCorr
  }
}

extension Study {
  /// Refits the benchmark and each of `trials` on every era before the sealed ones (the export recipe, sealed
  /// eras left out), predicts the sealed eras and scores them, with the rank-averaged ensemble of the trials
  /// when `ensemble`. Opening the sealed eras is this call: nothing else reads their labels. The scores are kept
  /// in the study (for the report), replacing earlier ones of the same names.
  /// - Throws: when the study has no sealed eras, `dataset` is not the study's data, or a trial is unknown or a
  ///   cheap evaluation (fidelity < 1).
  public func holdout(trials ids: [Int], dataset: Dataset, ensemble: Bool, threads: Int) throws -> [HoldoutScore] {
    let sealed = layout.sealedEras
    guard !sealed.isEmpty else {
      throw MiningError("\(store.location) has no sealed eras (mine a new study with --sealed-eras N)")
    }
    try checkIsStudyData(dataset)
    let trials = try store.trials()
    let benchmark = trials.first(where: \.isBenchmark)!
    let chosen = try ids.map { try model($0, among: trials) }
    let fold = HoldoutFold(dataset: dataset, sealed: sealed, layout: layout)
    let stages = FeatureStages(dataset: dataset)
    let predictions = try ([benchmark] + chosen).map { try fold.predict($0, stages: stages, layout: layout, threads: threads) }
    var entries = zip([benchmark] + chosen, predictions).map { ($0.isBenchmark ? "benchmark" : "trial \($0.id)", Optional($0.id), $1) }
    if ensemble, !chosen.isEmpty {
      entries.append(("ensemble " + ids.map(String.init).joined(separator: "+"), nil, fold.rankAverage(Array(predictions.dropFirst()))))
    }
    let scores = fold.score(entries)
    try store.saveHoldoutScores(scores)
    return scores
  }

  /// Refuses data other than the study's (rows, eras and features as its fingerprint).
  func checkIsStudyData(_ dataset: Dataset) throws {
    let f = layout.fingerprint
    guard dataset.rowCount == f.rows, dataset.eras.count == f.eras, dataset.featureNames == f.features else {
      throw MiningError(
        "the data (\(dataset.rowCount) rows, \(dataset.eras.count) eras, \(dataset.featureCount) features) is not what \(store.location) was mined on (\(f.files.joined(separator: ", ")): \(f.rows) rows, \(f.eras) eras, \(f.features.count) features)"
      )
    }
  }
}

/// The sealed eras as one test fold: the rows to fit on (every era before them), the sealed rows, their labels.
struct HoldoutFold {
  let trainRows: [Int]
  let sealedRows: [Int]
  let targets: SplitTargets
  let eraRanges: [Range<Int>]

  init(dataset: Dataset, sealed: [String], layout: StudyLayout) {
    let open = SealedEras.open(dataset.eras, sealed: sealed)
    trainRows = dataset.rows(ofEras: open.compactMap { dataset.eraIndex(of: $0) })
    let sealedIndices = sealed.compactMap { dataset.eraIndex(of: $0) }
    sealedRows = dataset.rows(ofEras: sealedIndices)
    let target = dataset.targetIndex(named: layout.scoringTarget) ?? 0
    targets = Study.splitTargets(dataset: dataset, splits: [EraSplit(trainEras: open, testEras: sealed)], target: target)[0]
    var start = 0
    eraRanges = targets.rowsPerEra.map { count in
      defer { start += count }
      return start..<(start + count)
    }
  }

  /// A trial refit on the open eras, predicting the sealed rows.
  func predict(_ trial: StoredTrial, stages: FeatureStages, layout: StudyLayout, threads: Int) throws -> [Double] {
    let data = try stages.stage(trial.configuration.features).dataset
    let trainer = try ModelTrainers.trainer(trial.engine, base: layout.benchmarkParameters)
    let training = try AugmentedTraining.rows(data, trainRows: trainRows, configuration: trial.configuration)
    let model = try trainer.fit(training, configuration: trial.configuration, threads: threads, shouldStop: { false })
    return try model.predict(data, rows: sealedRows, threads: threads)
  }

  /// Per sealed era, each model's tie-kept ranks averaged.
  func rankAverage(_ predictions: [[Double]]) -> [Double] {
    var combined = [Double](repeating: 0, count: sealedRows.count)
    for p in predictions {
      for range in eraRanges {
        let ranks = NumeraiMetrics.tieKeptRank(Array(p[range]))
        for (k, r) in range.enumerated() { combined[r] += ranks[k] / Double(predictions.count) }
      }
    }
    return combined
  }

  /// Scores each named prediction vector (the benchmark first) on the sealed eras.
  func score(_ entries: [(String, Int?, [Double])]) -> [HoldoutScore] {
    let scorer = EraScorer(targets: [targets], benchmark: entries[0].2.map(Float.init), metaModel: nil)
    var results = entries.enumerated().map { k, entry in
      var r = TrialResult(
        id: k, isBenchmark: k == 0, sampler: "", status: .pending, config: [:], target: targets.eras.first ?? "",
        mmcAgainst: "benchmark", beatsBenchmark: false, perEraCorr: [:])
      scorer.score(entry.2.map(Float.init), into: &r)
      return r
    }
    TrialResults.markBenchmarkBeaters(&results)
    return zip(entries, results).map { entry, r in
      HoldoutScore(
        name: entry.0, trial: entry.1, corr: r.wholeCorr, sharpe: r.wholeSharpe, maxDrawdown: r.wholeMaxDrawdown, mmc: r.wholeMmc,
        benchmarkCorrelation: r.benchmarkCorrelation, beatsBenchmark: r.beatsBenchmark, perEraCorr: r.perEraCorr)
    }
  }
}
