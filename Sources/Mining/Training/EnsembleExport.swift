import Features
import Foundation
import NumeraiData

extension Study {
  /// Exports `trials` as an ensemble into `directory`: for each, first the safety check (a refit on the last
  /// fold reproduces the stored predictions within Float16 precision), then a refit on all labelled rows (the
  /// study's sealed eras left out unless `includeSealedEras`), saved with its feature stage — or, with
  /// `foldModels`, the checked last-fold model itself (the model the study scored). `appended` are the stages
  /// whose outputs `dataset` carries (`--transform`); the ensemble keeps them so `predict` adds them to live data.
  public func export(
    trials ids: [Int], dataset: Dataset, directory: String, includeSealedEras: Bool = false, foldModels: Bool = false,
    appended: AppendedStages = AppendedStages([]), threads: Int, log: (String) -> Void
  ) throws -> Ensemble {
    try checkIsStudyData(dataset)
    let trials = try store.trials()
    let stages = FeatureStages(dataset: dataset)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var members: [Ensemble.Member] = []
    for id in ids {
      let trial = try model(id, among: trials)
      let stage = try stages.stage(trial.configuration.features)
      let trainer = try ModelTrainers.trainer(trial.engine, base: layout.benchmarkParameters)
      let checked = try checkReproduces(trial, trainer: trainer, dataset: stage.dataset, threads: threads)
      log("trial \(id): refit on the last fold reproduces its \(checked.count) stored predictions")
      let model: any TrainedModel
      if foldModels {
        model = checked.model
      } else {
        let rows = dataset.rows(
          ofEras: (includeSealedEras ? dataset.eras : SealedEras.open(dataset.eras, sealed: layout.sealedEras))
            .compactMap { dataset.eraIndex(of: $0) })
        model = try refit(trial, rows: rows, trainer: trainer, stage: stage, threads: threads)
      }
      log("trial \(id): \(foldModels ? "the last fold's model" : "refit on \(model.trainingRows) labelled rows"), \(model.summary)")
      members.append(try save(model, of: trial, engine: trainer.engine, stage: stage, directory: directory))
    }
    let appendedFiles = try Ensemble.writeAppendedStages(appended, into: directory)
    let ensemble = Ensemble(
      members: members, featureNames: dataset.featureNames, appendedStages: appendedFiles.isEmpty ? nil : appendedFiles)
    try ensemble.write(into: directory)
    return ensemble
  }

  /// The safety check: a refit on the last split reproduces the study's predictions of its test rows; returns
  /// that model and how many predictions it compared.
  private func checkReproduces(_ trial: StoredTrial, trainer: any ModelTrainer, dataset: Dataset, threads: Int) throws
    -> (model: any TrainedModel, count: Int)
  {
    guard let last = layout.splits.indices.last else { throw MiningError("\(store.location) has no splits") }
    guard let stored = try store.predictions(trial: trial.id, split: last) else {
      throw MiningError("trial \(trial.id) has not finished its last split; mine it first")
    }
    func rows(_ eras: [String]) -> [Int] { dataset.rows(ofEras: eras.compactMap { dataset.eraIndex(of: $0) }) }
    let training = try AugmentedTraining.rows(dataset, trainRows: rows(layout.splits[last].trainEras), configuration: trial.configuration)
    let model = try trainer.fit(
      training, configuration: trial.configuration, threads: threads, shouldStop: { false })
    let again = try model.predict(dataset, rows: rows(layout.splits[last].testEras), threads: threads)
    let mismatches = zip(again, stored).filter { Float(Float16(Float($0))) != $1 }.count
    guard again.count == stored.count, mismatches == 0 else {
      throw MiningError(
        "safety check failed for trial \(trial.id): the refit on the last fold differs from the study's predictions in \(mismatches) of \(stored.count) rows (was the study mined on this data?)"
      )
    }
    return (model, stored.count)
  }

  /// Refits a trial on `rows` (with its augmentation) through its feature stage.
  private func refit(_ trial: StoredTrial, rows: [Int], trainer: any ModelTrainer, stage: FittedStage, threads: Int) throws
    -> any TrainedModel
  {
    let training = try AugmentedTraining.rows(stage.dataset, trainRows: rows, configuration: trial.configuration)
    return try trainer.fit(
      training, configuration: trial.configuration, threads: threads, shouldStop: { false })
  }

  /// Saves a trial's model and its feature stage into `directory`.
  private func save(_ model: any TrainedModel, of trial: StoredTrial, engine: String, stage: FittedStage, directory: String)
    throws -> Ensemble.Member
  {
    let files = try model.save(into: directory, name: "model-\(trial.id)")
    let featuresFile = Ensemble.featuresFile(stage.transform.spec)
    try stage.transform.encoded().write(to: URL(fileURLWithPath: directory + "/" + featuresFile), options: .atomic)
    return Ensemble.Member(
      trial: trial.id, file: files[0], lightGBMFile: files.count > 1 ? files[1] : "", target: trial.configuration.target,
      configuration: trial.configuration.values, engine: engine, features: stage.transform.spec,
      featuresFile: featuresFile)
  }
}
