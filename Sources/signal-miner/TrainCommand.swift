import ArgumentParser
import Boosting
import Foundation
import Mining
import NumeraiData

/// `signal-miner train`: one boosted-tree model on Numerai data.
struct TrainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train one gradient-boosted-tree model (LightGBM's parameters and semantics).")

  @OptionGroup var data: DataOptions
  @Option(help: "The target to train on (default: target).") var target: String?
  @Option(name: .customLong("param"), help: "A LightGBM parameter as name=value (repeatable), e.g. num_leaves=15.")
  var params: [String] = []
  @Option(help: "Where to save the model.") var model: String
  @Option(name: .customLong("lightgbm-model"), help: "Also write LightGBM's model.txt here.") var lightGBMModel: String?

  func run() async throws {
    var parameters = BoostingParameters()
    for pair in params {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw BoostingError("--param \(pair): expected name=value") }
      try parameters.set(parts[0], to: parts[1])
    }
    try parameters.validate()
    let loaded = try data.load()
    let dataset = loaded.dataset
    let name = target ?? (dataset.targetNames.contains("target") ? "target" : dataset.targetNames.first ?? "target")
    guard let t = dataset.targetIndex(named: name) else {
      throw BoostingError("the data has no target '\(name)', expected one of: \(dataset.targetNames.joined(separator: ", "))")
    }
    let start = Date()
    let trained = try GBDTTrainer.train(
      dataset, rows: Array(0..<dataset.rowCount), target: t, parameters: parameters, threads: data.threads)
    let seconds = Date().timeIntervalSince(start)
    try trained.save(to: model)
    if let lightGBMModel {
      do { try trained.lightGBMModelText().write(toFile: lightGBMModel, atomically: true, encoding: .utf8) } catch {
        throw BoostingError("\(lightGBMModel): cannot write (\(error.localizedDescription))")
      }
    }
    print(
      "trained \(model): \(trained.trainingRows) rows, \(dataset.featureCount) features, \(trained.trees.count) trees, \(String(format: "%.2f", seconds)) s")
  }
}

/// `signal-miner predict`: predictions of a saved model, or an exported ensemble, for every row of a data set.
struct PredictCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Predict every row with a saved model (raw outputs) or an exported ensemble directory (a Numerai submission).")

  @Option(help: "A model saved by `train`, or a directory written by `export`.") var model: String
  @OptionGroup var data: DataOptions
  @Option(help: "The file to write: id,prediction, one row per input row, in input order; Parquet if it ends in .parquet, else CSV.")
  var out: String
  @OptionGroup(title: "Parquet output") var parquet: ParquetWriteOptions

  func run() async throws {
    var isDirectory: ObjCBool = false
    let ensemble = FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) && isDirectory.boolValue
    let loaded = try data.load()
    let dataset = loaded.dataset
    let start = Date()
    let predictions: [Double]
    let summary: String
    if ensemble {
      let loaded = try Ensemble.load(directory: model)
      predictions = try loaded.predict(dataset, threads: data.threads)
      summary = loaded.summary
      try Submission.check(ids: dataset.ids, predictions: predictions)
    } else {
      let trained = try BoostedModel.load(from: model)
      predictions = try trained.predict(dataset, threads: data.threads)
      summary = "\(trained.trees.count) trees"
    }
    let seconds = Date().timeIntervalSince(start)
    try PredictionsFile.write(ids: dataset.ids, predictions: predictions, to: out, parquet: parquet.writer)
    Console.log("predicted \(dataset.rowCount) rows with \(summary) in \(String(format: "%.2f", seconds)) s")
  }
}

/// Numerai's checks of a submission before it is written.
enum Submission {
  static func check(ids: StringColumn, predictions: [Double]) throws {
    guard Set(ids).count == ids.count else { throw MiningError("the data repeats ids; a submission needs each id once") }
    guard predictions.allSatisfy({ !$0.isNaN && $0 >= 0 && $0 <= 1 }) else {
      throw MiningError("predictions outside [0, 1] or NaN; a submission needs values in [0, 1]")
    }
    guard let first = predictions.first, predictions.contains(where: { $0 != first }) else {
      throw MiningError("every prediction is the same; Numerai rejects constant submissions")
    }
  }
}

/// `signal-miner export`: refit chosen trials on all labelled rows into an ensemble directory.
struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Check, refit and save trials of a study as a rank-averaged ensemble.")

  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name.") var study: String
  @Option(help: "Trial ids, comma-separated, e.g. 17,240.") var trials: String
  @Option(help: "The directory to write.") var out: String
  @Flag(name: .customLong("include-sealed-eras"), help: "Refit on the study's sealed eras too (open them: nothing is left to check on).")
  var includeSealedEras = false
  @Flag(
    name: .customLong("fold-models"),
    help: "Save each trial's last-fold model (the one the study scored; predict reproduces its stored predictions) instead of a refit on every labelled era.")
  var foldModels = false
  @OptionGroup var data: DataOptions

  func run() async throws {
    guard !(foldModels && includeSealedEras) else {
      throw ValidationError("--fold-models saves the models as mined, which never saw the sealed eras; drop --include-sealed-eras")
    }
    let ids = try TrialList.parse(trials)
    let store = try Study.open(study)
    let dataset = try data.load(for: store).dataset
    let ensemble = try store.export(
      trials: ids, dataset: dataset, directory: out, includeSealedEras: includeSealedEras, foldModels: foldModels,
      appended: try data.appendedStages(), threads: data.threads, log: Console.log)
    print("exported \(ensemble.members.count) models to \(out) (ensemble.json, model-<trial>.smm, model-<trial>.txt)")
  }
}

/// `--trials 17,240`.
enum TrialList {
  static func parse(_ text: String) throws -> [Int] {
    try text.split(separator: ",").map { part in
      guard let id = Int(part.trimmingCharacters(in: .whitespaces)) else {
        throw MiningError("--trials \(text): expected comma-separated trial ids")
      }
      return id
    }
  }
}
