import NumeraiData

/// Fitted stages whose outputs are appended to a data set's own features, in order (`--transform T.smt`):
/// the study, the models and an exported ensemble see the data's features followed by each stage's.
///
/// A stage whose outputs are all in the data already is skipped (data written by `features apply`), so live
/// data is transformed exactly once whichever way it arrives; applying never refits.
public struct AppendedStages: Sendable {
  public let stages: [any FeatureTransform]

  public init(_ stages: [any FeatureTransform]) { self.stages = stages }

  /// `dataset` with each stage's outputs appended (stages see the columns appended before them).
  /// - Throws: `FeatureTransformError.missingInput` when the data lacks a stage's input;
  ///   `FeatureTransformError.partialOutputs` when it holds some of a stage's outputs but not all.
  public func apply(to dataset: Dataset) throws -> Dataset {
    try run(on: dataset) { StageOutput(dataset: try $0.apply(to: $1), scores: []) }.dataset
  }

  /// `apply(to:)`, with every applied stage's scores before binning (`StageOutput.scores`), in stage order.
  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    try run(on: dataset) { try $0.applyKeepingScores(to: $1) }
  }

  private func run(on dataset: Dataset, _ apply: (any FeatureTransform, Dataset) throws -> StageOutput) throws -> StageOutput {
    var out = StageOutput(dataset: dataset, scores: [])
    for stage in stages {
      let present = stage.outputNames.filter { out.dataset.featureIndex(named: $0) != nil }
      if present.count == stage.outputNames.count { continue }
      guard present.isEmpty else { throw FeatureTransformError.partialOutputs(spec: stage.spec, present: present[0]) }
      let applied = try apply(stage, out.dataset)
      out = StageOutput(dataset: try out.dataset.appendingFeatures(of: applied.dataset), scores: out.scores + applied.scores)
    }
    return out
  }
}
