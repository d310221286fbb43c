import ArgumentParser
import Boosting
import Foundation
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

/// `signal-miner predict`: predictions of a saved model for every row of a data set.
struct PredictCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Predict every row of a data set with a saved model; writes id,prediction.")

  @Option(help: "A model saved by `train`.") var model: String
  @OptionGroup var data: DataOptions
  @Option(help: "The CSV to write (id,prediction, one row per input row, in input order).") var out: String

  func run() async throws {
    let trained = try BoostedModel.load(from: model)
    let loaded = try data.load()
    let dataset = loaded.dataset
    let start = Date()
    let predictions = try trained.predict(dataset, threads: data.threads)
    let seconds = Date().timeIntervalSince(start)
    try PredictionsCSV.write(ids: dataset.ids, predictions: predictions, to: out)
    Console.log("predicted \(dataset.rowCount) rows with \(trained.trees.count) trees in \(String(format: "%.2f", seconds)) s")
  }
}

/// Writing `id,prediction` files atomically (no partial file on failure).
enum PredictionsCSV {
  static func write(ids: StringColumn, predictions: [Double], to path: String) throws {
    var text = "id,prediction\n"
    text.reserveCapacity(ids.count * 32)
    for (i, id) in ids.enumerated() {
      text += id
      text += ","
      text += "\(predictions[i])\n"
    }
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
      throw BoostingError("\(path): cannot write the predictions (\(error.localizedDescription))")
    }
  }
}
