import Boosting
import Foundation
import NumeraiData
import Scoring

/// A mining study: a store and the layout it was created with (Optuna's `Study`: built on a storage, it owns
/// the loop, `optimize`). The command line is a thin shell over this type.
public final class Study: Sendable {
  public let store: any StudyStore
  /// What was fixed at creation: fingerprint, splits, split targets, benchmark parameters, scoring target.
  public let layout: StudyLayout
  /// Finished trials' scores, computed once per `Study` object (`TrialResults.compute`).
  let finishedScores = FinishedTrialScores()

  public init(store: any StudyStore) throws {
    self.store = store
    layout = try store.layout()
  }

  /// Opens an existing study: a SQLite file path, or a URL whose scheme a backend registered (`StudyStores`).
  public static func open(_ location: String) throws -> Study {
    try Study(store: try StudyStores.open(location))
  }

  /// Creates the study on `dataset` (or opens it after checking it was made on the same data): `splits` over
  /// its eras, the benchmark as trial 1 scored on `benchmark.target`, `sealedEras` (`SealedEras`) out of reach.
  public static func create(
    _ location: String, dataset: Dataset, files: [String], splits: [EraSplit], benchmark: TrialConfiguration,
    sealedEras: [String] = [], engine: String = GBDTModelTrainer.engineName
  ) throws -> Study {
    guard let target = dataset.targetIndex(named: benchmark.target) else { throw MiningError("the data has no target column") }
    let reached = Set(SealedEras.open(dataset.eras, sealed: sealedEras))
    guard splits.allSatisfy({ ($0.trainEras + $0.testEras).allSatisfy(reached.contains) }) else {
      throw MiningError("a split reaches a sealed era; make the splits over SealedEras.open(eras, sealed:)")
    }
    let layout = StudyLayout(
      fingerprint: StudyFingerprint(
        files: files.map { URL(fileURLWithPath: $0).lastPathComponent }, rows: dataset.rowCount, eras: dataset.eras.count,
        features: dataset.featureNames),
      splits: splits, splitTargets: splitTargets(dataset: dataset, splits: splits, target: target),
      benchmarkParameters: try benchmark.parameters(over: BoostingParameters()), scoringTarget: benchmark.target,
      sealedEras: sealedEras, dataPaths: files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
    return try Study(store: try StudyStores.create(location, layout: layout, benchmark: benchmark, engine: engine))
  }

  /// The study's split layout for new studies: the test rows' eras, counts, ids and scoring labels.
  public static func splitTargets(dataset: Dataset, splits: [EraSplit], target: Int) -> [SplitTargets] {
    splits.map { split in
      let eras = split.testEras.compactMap { dataset.eraIndex(of: $0) }
      let rows = dataset.rows(ofEras: eras)
      let labels = dataset.targets.withUnsafeColumn(target) { column in rows.map { column[$0] } }
      return SplitTargets(
        eras: eras.map { dataset.eras[$0] }, rowsPerEra: eras.map { dataset.eraRanges[$0].count }, labels: labels,
        ids: rows.map { dataset.ids[$0] })
    }
  }

  /// The scores (`TrialResults.compute`) of every full-fidelity trial — the models, which rankings, beaters,
  /// `select`, exports and reports consider — or, with `allFidelities`, of every trial in trial order.
  public func results(metaModel: [[Double]]? = nil, allFidelities: Bool = false) throws -> [TrialResult] {
    let all = try TrialResults.compute(self, metaModel: metaModel)
    return allFidelities ? all : all.filter { $0.fidelity == 1 }
  }

  /// Trial `id` of `trials` (the study's) as a model to refit: it must exist and be at fidelity 1.
  func model(_ id: Int, among trials: [StoredTrial]) throws -> StoredTrial {
    guard let trial = trials.first(where: { $0.id == id }) else {
      throw MiningError("\(store.location) has no trial \(id) (trials are 1…\(trials.count))")
    }
    guard trial.configuration.fidelity == 1 else {
      throw MiningError(
        "trial \(id) of \(store.location) is a cheap evaluation at fidelity \(trial.configuration.fidelity), not a model; choose fidelity 1 trials")
    }
    return trial
  }

  /// A trial's out-of-fold predictions over every split, in split order; nil until all are done.
  public func outOfFoldPredictions(trial: Int) throws -> [Float]? {
    try store.outOfFoldPredictions(trial: trial, splitCount: layout.splits.count)
  }

  /// All eras the splits cover, sorted.
  public var eras: [String] { Array(Set(layout.splits.flatMap { $0.trainEras + $0.testEras })).sorted() }
}
