import Foundation
import NumeraiData

/// A model engine as mining sees it: fit on training rows (a data set's, then any made for training) with a trial's
/// configuration, load what it saved.
/// `GBDTModelTrainer` (LightGBM's semantics, native) is the only engine now; a study records each trial's engine.
public protocol ModelTrainer: Sendable {
  /// The engine's name stored with each trial, e.g. `gbdt`.
  var engine: String { get }
  /// Fits a model on `training` (its target is the configuration's) with `configuration`; throws
  /// `CancellationError` when `shouldStop` turns true (checked between boosting rounds or their equivalent).
  func fit(
    _ training: TrainingRows, configuration: TrialConfiguration, threads: Int,
    shouldStop: @escaping @Sendable () -> Bool
  ) throws -> any TrainedModel
  /// A model saved by `TrainedModel.save` into `directory` under `name`.
  func load(directory: String, name: String) throws -> any TrainedModel
}

/// A fitted model: predict rows, save itself.
public protocol TrainedModel: Sendable {
  /// One raw prediction per row of `rows`, in that order.
  func predict(_ dataset: Dataset, rows: [Int], threads: Int) throws -> [Double]
  /// Writes the model into `directory` as files named after `name`; returns the file names written.
  @discardableResult func save(into directory: String, name: String) throws -> [String]
  /// The rows it was fitted on.
  var trainingRows: Int { get }
  /// A short description for logs, e.g. `2000 trees`.
  var summary: String { get }
}

extension TrainedModel {
  /// Predictions for every row.
  public func predict(_ dataset: Dataset, threads: Int) throws -> [Double] {
    try predict(dataset, rows: Array(0..<dataset.rowCount), threads: threads)
  }
}
