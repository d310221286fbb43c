import Features
import Foundation
import NumeraiData
import Synchronization

/// The feature stages of one data set, each fitted once (on every row's features, never on labels) and kept
/// with the data set it produces, for all the trials and threads that name it.
public final class FeatureStages: Sendable {
  public let dataset: Dataset
  private let fitted = Mutex<[String: FittedStage]>([:])

  public init(dataset: Dataset) { self.dataset = dataset }

  /// The stage `spec` fitted on the data set, and the data set it produces.
  public func stage(_ spec: String) throws -> FittedStage {
    try fitted.withLock { stages in
      if let stage = stages[spec] { return stage }
      let transform = try FeatureTransforms.fit(spec, on: dataset)
      let stage = FittedStage(transform: transform, dataset: try transform.apply(to: dataset))
      stages[spec] = stage
      return stage
    }
  }
}

/// A fitted feature stage and the data set it made.
public struct FittedStage: Sendable {
  public let transform: any FeatureTransform
  public let dataset: Dataset
}
