import Boosting
import Foundation
import NumeraiData

/// The `gbdt` engine: SignalMiner's histogram GBDT with LightGBM's semantics. A configuration's values
/// override `base` (the benchmark's parameters).
public struct GBDTModelTrainer: ModelTrainer {
  public static let engineName = "gbdt"
  public var engine: String { Self.engineName }
  /// The parameters a configuration overrides.
  public let base: BoostingParameters

  public init(base: BoostingParameters) { self.base = base }

  public func fit(
    _ training: TrainingRows, configuration: TrialConfiguration, threads: Int,
    shouldStop: @escaping @Sendable () -> Bool
  ) throws -> any TrainedModel {
    let parameters = try configuration.parameters(over: base)
    return GBDTModel(model: try GBDTTrainer.train(training, parameters: parameters, threads: threads, shouldStop: shouldStop))
  }

  public func load(directory: String, name: String) throws -> any TrainedModel {
    GBDTModel(model: try BoostedModel.load(from: directory + "/" + name + ".smm"))
  }
}

/// A boosted model behind `TrainedModel`: saved in SignalMiner's format (`NAME.smm`) and LightGBM's (`NAME.txt`).
public struct GBDTModel: TrainedModel {
  public let model: BoostedModel

  public init(model: BoostedModel) { self.model = model }

  public func predict(_ dataset: Dataset, rows: [Int], threads: Int) throws -> [Double] {
    try model.predict(dataset, rows: rows, threads: threads)
  }

  public func save(into directory: String, name: String) throws -> [String] {
    try model.save(to: directory + "/" + name + ".smm")
    try model.lightGBMModelText().write(toFile: directory + "/" + name + ".txt", atomically: true, encoding: .utf8)
    return [name + ".smm", name + ".txt"]
  }

  public var trainingRows: Int { model.trainingRows }
  public var summary: String { "\(model.trees.count) trees" }
}
