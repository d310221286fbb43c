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
    var out = dataset
    for stage in stages {
      let present = stage.outputNames.filter { out.featureIndex(named: $0) != nil }
      if present.count == stage.outputNames.count { continue }
      guard present.isEmpty else { throw FeatureTransformError.partialOutputs(spec: stage.spec, present: present[0]) }
      out = try out.appendingFeatures(of: try stage.apply(to: out))
    }
    return out
  }
}

extension Dataset {
  /// This data set with `other`'s rows appended (same features and targets; `other`'s eras all after these).
  /// - Throws: `FeatureTransformError.badSpec` when the columns differ or the eras overlap.
  public func appendingRows(of other: Dataset) throws -> Dataset {
    guard other.featureNames == featureNames, other.targetNames == targetNames, (other.eras.first ?? "~") > (eras.last ?? "") else {
      throw FeatureTransformError.badSpec("rows", expected: "rows with the same columns and eras after these")
    }
    let features = (0..<featureCount).map { self.features.columnArray($0) + other.features.columnArray($0) }
    let targets = (0..<targetNames.count).map { self.targets.columnArray($0) + other.targets.columnArray($0) }
    let types = (dataTypes.map(Array.init) ?? Array(repeating: "", count: rowCount)) + (other.dataTypes.map(Array.init) ?? Array(repeating: "", count: other.rowCount))
    return Dataset(
      ids: StringColumn(Array(ids) + Array(other.ids)), eras: eras + other.eras,
      eraRanges: eraRanges + other.eraRanges.map { ($0.lowerBound + rowCount)..<($0.upperBound + rowCount) },
      featureNames: featureNames, features: ColumnMajorMatrix(columns: features, rowCount: rowCount + other.rowCount),
      targetNames: targetNames, targets: ColumnMajorMatrix(columns: targets, rowCount: rowCount + other.rowCount),
      dataTypes: StringColumn(types))
  }
}
