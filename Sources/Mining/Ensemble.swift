import Boosting
import Foundation
import NumeraiData
import Scoring

/// An exported ensemble: boosted models refit on all labelled rows, combined by rank-averaging.
///
/// On disk: `ensemble.json` (the recipe, the models' files, trials and targets, the feature names), each model in
/// SignalMiner's format (`model-<trial>.smm`) and in LightGBM's (`model-<trial>.txt`).
public struct Ensemble: Sendable, Codable {
  public struct Member: Sendable, Codable {
    public var trial: Int
    public var file: String
    public var lightGBMFile: String
    public var target: String
    public var configuration: [String: Double]
  }

  public var members: [Member]
  public var featureNames: [String]
  /// How predictions combine: each model's predictions are tie-kept ranked within each era
  /// ((rank − 0.5) / n), then averaged across models.
  public var recipe = "rank-average per era"

  /// Loads `DIR/ensemble.json`.
  public static func load(directory: String) throws -> (Ensemble, [BoostedModel]) {
    let path = directory + "/ensemble.json"
    let ensemble: Ensemble
    do { ensemble = try JSONDecoder().decode(Ensemble.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
      throw MiningError("\(path): not an exported ensemble (\(error.localizedDescription))")
    }
    let models = try ensemble.members.map { try BoostedModel.load(from: directory + "/" + $0.file) }
    return (ensemble, models)
  }

  /// Rank-averaged predictions for every row of `dataset`: in (0, 1), one per row, never NaN.
  public static func predict(_ models: [BoostedModel], dataset: Dataset, threads: Int) throws -> [Double] {
    var combined = [Double](repeating: 0, count: dataset.rowCount)
    for model in models {
      let raw = try model.predict(dataset, threads: threads)
      for range in dataset.eraRanges {
        let ranks = NumeraiMetrics.tieKeptRank(Array(raw[range]))
        for (k, r) in range.enumerated() { combined[r] += ranks[k] / Double(models.count) }
      }
    }
    return combined
  }

  /// Exports `trials` of `study`: first the safety check (a refit on the last fold reproduces the stored
  /// predictions within Float16 precision), then a refit on all labelled rows of each, saved into `directory`.
  public static func export(
    trials ids: [Int], study: Study, dataset: Dataset, directory: String, threads: Int, log: (String) -> Void
  ) throws -> Ensemble {
    let trials = try study.trials()
    let base = try study.benchmarkParameters()
    let splits = try study.splits()
    guard let last = splits.indices.last else { throw MiningError("\(study.path) has no splits") }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var members: [Member] = []
    for id in ids {
      guard let trial = trials.first(where: { $0.id == id }) else {
        throw MiningError("\(study.path) has no trial \(id) (trials are 1…\(trials.count))")
      }
      guard let stored = try study.predictions(trial: id, split: last) else {
        throw MiningError("trial \(id) has not finished its last split; mine it first")
      }
      let parameters = try trial.configuration.parameters(over: base)
      guard let target = dataset.targetIndex(named: trial.configuration.target) else {
        throw MiningError("the data has no target '\(trial.configuration.target)' of trial \(id)")
      }
      func rows(_ eras: [String]) -> [Int] { dataset.rows(ofEras: eras.compactMap { dataset.eraIndex(of: $0) }) }
      let check = try GBDTTrainer.train(dataset, rows: rows(splits[last].trainEras), target: target, parameters: parameters, threads: threads)
      let again = try check.predict(dataset, rows: rows(splits[last].testEras), threads: threads)
      let mismatches = zip(again, stored).filter { Float(Float16(Float($0))) != $1 }.count
      guard again.count == stored.count, mismatches == 0 else {
        throw MiningError(
          "safety check failed for trial \(id): the refit on the last fold differs from the study's predictions in \(mismatches) of \(stored.count) rows (was the study mined on this data?)")
      }
      log("trial \(id): refit on the last fold reproduces its \(stored.count) stored predictions")
      let model = try GBDTTrainer.train(dataset, rows: Array(0..<dataset.rowCount), target: target, parameters: parameters, threads: threads)
      let member = Member(
        trial: id, file: "model-\(id).smm", lightGBMFile: "model-\(id).txt", target: trial.configuration.target,
        configuration: trial.configuration.values)
      try model.save(to: directory + "/" + member.file)
      try model.lightGBMModelText().write(toFile: directory + "/" + member.lightGBMFile, atomically: true, encoding: .utf8)
      log("trial \(id): refit on \(model.trainingRows) labelled rows, \(model.trees.count) trees")
      members.append(member)
    }
    let ensemble = Ensemble(members: members, featureNames: dataset.featureNames)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(ensemble).write(to: URL(fileURLWithPath: directory + "/ensemble.json"), options: .atomic)
    return ensemble
  }
}
