import Foundation
import NumeraiData

/// A feature stage of a trial's pipeline: fitted on feature columns only (never labels, so train, validation
/// and live rows may all be used), applied to any data set with the same input features, saved and loaded.
///
/// Outputs are int8 feature columns 0…4 with stable names, so the GBDT, the cache and every command take a
/// transformed data set unchanged. Stages: the identity (`raw`), principal components (`pca:K`), factor
/// analysis (`fa:K`), the autoencoder (`ae:K`), the contrastive encoder (`cl:K`) and UMAP (`umap:K`).
public protocol FeatureTransform: Sendable {
  /// The spec it was fitted from, e.g. `raw`; a trial names its stage by this spec.
  var spec: String { get }
  /// The names of the feature columns it was fitted on, in order.
  var inputNames: [String] { get }
  /// The names of the feature columns it outputs, in order (stable across fits of the same spec).
  var outputNames: [String] { get }
  /// The data set with this stage's output features (ids, eras and targets unchanged).
  /// - Throws: `FeatureTransformError` when `dataset` lacks an input feature.
  func apply(to dataset: Dataset) throws -> Dataset
  /// `apply(to:)`, keeping the values the binned outputs had before the per-era binning (`--keep-float`).
  func applyKeepingScores(to dataset: Dataset) throws -> StageOutput
  /// The fitted state, for `FeatureTransforms.load`.
  func encoded() throws -> Data
}

/// A stage applied to a data set: its output features, and each binned output's values before the per-era
/// binning (the raw PCA scores, factor scores, latents, embeddings), for inspection.
public struct StageOutput: Sendable {
  /// The stage's output features.
  public var dataset: Dataset
  /// (output name, one value per row) for each binned output, in output order; empty for a stage that bins
  /// nothing (the identity).
  public var scores: [(name: String, values: [Double])]

  public init(dataset: Dataset, scores: [(name: String, values: [Double])]) {
    self.dataset = dataset
    self.scores = scores
  }
}

/// The stages a trial can name, by spec: fitting, loading a saved one.
public enum FeatureTransforms {
  /// The spec of the identity stage (the data's own features).
  public static let identity = "raw"
  /// Every spec form a trial may name today (`pca:K`: the top K principal components; `fa:K`: K factors;
  /// `ae:K`: the autoencoder's K latents and their argmax; `cl:K`: a K-wide contrastive embedding; `umap:K`: a
  /// K-dimensional UMAP embedding; all three with their settings' defaults).
  public static let specs = [identity, "pca:K", "fa:K", "ae:K", "cl:K", "umap:K"]

  /// Whether `spec` names a stage `fit` knows (`raw`, `KIND:K`, or `raw+KIND:K`).
  public static func isKnown(_ spec: String) -> Bool {
    let inner = spec.hasPrefix(RawPlusTransform.prefix) ? String(spec.dropFirst(RawPlusTransform.prefix.count)) : spec
    if inner == identity { return spec == identity }
    let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
    return parts.count == 2 && ["pca", "fa", "ae", "cl", "umap"].contains(parts[0]) && Int(parts[1]).map { $0 >= 1 } == true
  }

  /// Fits the stage `spec` on `dataset`'s feature columns (its targets are never read); `raw+SPEC` keeps the
  /// data's own features beside the stage's.
  public static func fit(_ spec: String, on dataset: Dataset) throws -> any FeatureTransform {
    if spec == identity { return IdentityTransform(inputNames: dataset.featureNames) }
    if spec.hasPrefix(RawPlusTransform.prefix) {
      return RawPlusTransform(inputNames: dataset.featureNames, stage: try fit(String(spec.dropFirst(RawPlusTransform.prefix.count)), on: dataset))
    }
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, ["pca", "fa", "ae", "cl", "umap"].contains(parts[0]) else { throw FeatureTransformError.unknownSpec(spec) }
    guard let count = Int(parts[1]) else {
      throw FeatureTransformError.badSpec(spec, expected: "\(parts[0]):K with K a whole number")
    }
    switch parts[0] {
    case "pca": return try PCATransform.fit(count, on: dataset)
    case "fa": return try FactorAnalysisTransform.fit(count, on: dataset)
    case "ae": return try AutoencoderTransform.fit(AutoencoderSettings(latent: count), on: dataset)
    case "umap": return try UMAPTransform.fit(UMAPSettings(components: count), on: dataset)
    default: return try ContrastiveTransform.fit(ContrastiveSettings(embedding: count), on: dataset)
    }
  }

  /// A stage saved by `FeatureTransform.encoded()`.
  public static func load(_ data: Data, source: String) throws -> any FeatureTransform {
    let header: SavedHeader
    do { header = try JSONDecoder().decode(SavedHeader.self, from: data) } catch {
      throw FeatureTransformError.notATransform(source)
    }
    if header.spec == identity { return try JSONDecoder().decode(IdentityTransform.self, from: data) }
    if header.spec.hasPrefix(RawPlusTransform.prefix) { return try RawPlusTransform.load(data, source: source) }
    do {
      if header.spec.hasPrefix("pca:") { return try JSONDecoder().decode(PCATransform.Saved.self, from: data).transform }
      if header.spec.hasPrefix("fa:") { return try JSONDecoder().decode(FactorAnalysisTransform.Saved.self, from: data).transform }
      if header.spec.hasPrefix("ae:") {
        return try JSONDecoder().decode(AutoencoderTransform.Saved.self, from: data).transform(source: source)
      }
      if header.spec.hasPrefix("cl:") {
        return try JSONDecoder().decode(ContrastiveTransform.Saved.self, from: data).transform(source: source)
      }
      if header.spec.hasPrefix("umap:") {
        return try JSONDecoder().decode(UMAPTransform.Saved.self, from: data).transform(source: source)
      }
    } catch {
      throw FeatureTransformError.notATransform(source)
    }
    throw FeatureTransformError.unknownSpec(header.spec)
  }

  private struct SavedHeader: Decodable { var spec: String }

  /// The column of each of `names` in `dataset`.
  /// - Throws: `FeatureTransformError.missingInput` naming stage `spec` and the first name the data lacks.
  static func columns(of names: [String], in dataset: Dataset, spec: String) throws -> [Int] {
    try names.map { name in
      guard let j = dataset.featureIndex(named: name) else { throw FeatureTransformError.missingInput(spec: spec, feature: name) }
      return j
    }
  }

  /// A stage's saved form as JSON with sorted keys (the bytes `encoded()` returns).
  static func savedJSON(_ saved: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return try encoder.encode(saved)
  }
}

extension FeatureTransform {
  /// A stage that bins nothing keeps no scores.
  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    StageOutput(dataset: try apply(to: dataset), scores: [])
  }

  /// The column of each input feature in `dataset`.
  /// - Throws: `FeatureTransformError.missingInput` naming the first input the data lacks.
  func inputColumns(in dataset: Dataset) throws -> [Int] {
    try FeatureTransforms.columns(of: inputNames, in: dataset, spec: spec)
  }
}

/// Why a feature stage cannot be fitted, loaded or applied.
public enum FeatureTransformError: Error, CustomStringConvertible, Equatable {
  case unknownSpec(String)
  case notATransform(String)
  case missingInput(spec: String, feature: String)
  case badSpec(String, expected: String)
  case singular
  case duplicateFeature(String)
  case partialOutputs(spec: String, present: String)

  public var description: String {
    switch self {
    case .unknownSpec(let spec):
      return "feature stage '\(spec)': unknown, expected one of \(FeatureTransforms.specs.joined(separator: ", "))"
    case .notATransform(let source): return "\(source): not a saved feature stage"
    case .missingInput(let spec, let feature):
      return "feature stage '\(spec)' was fitted on \(feature), which the data lacks"
    case .badSpec(let spec, let expected): return "feature stage '\(spec)': expected \(expected)"
    case .singular: return "factor analysis: the factors' posterior covariance is singular"
    case .duplicateFeature(let name): return "feature \(name) is already in the data; apply a stage to data without its outputs"
    case .partialOutputs(let spec, let present):
      return "feature stage '\(spec)': the data holds \(present) but not all of the stage's outputs; give data with all or none of them"
    }
  }
}

extension Dataset {
  /// This data set with `other`'s feature columns appended (same rows; `other` typically a stage's output).
  /// - Throws: `FeatureTransformError.duplicateFeature` when a name is in both.
  public func appendingFeatures(of other: Dataset) throws -> Dataset {
    precondition(other.rowCount == rowCount, "appending features of a data set with other rows")
    if let clash = other.featureNames.first(where: { featureIndex(named: $0) != nil }) {
      throw FeatureTransformError.duplicateFeature(clash)
    }
    let sources = (0..<featureCount).map { (features, $0) } + (0..<other.featureCount).map { (other.features, $0) }
    let matrix = ColumnMajorMatrix<Int8>(rowCount: rowCount, columnCount: sources.count) { out in
      for (k, (source, j)) in sources.enumerated() {  // column by column: no second copy of the data set
        source.withUnsafeColumn(j) { column in
          _ = UnsafeMutableBufferPointer(rebasing: out[(k * rowCount)..<((k + 1) * rowCount)]).initialize(from: column)
        }
      }
    }
    return Dataset(
      ids: ids, eras: eras, eraRanges: eraRanges, featureNames: featureNames + other.featureNames,
      features: matrix, targetNames: targetNames, targets: targets,
      dataTypes: dataTypes)
  }
}
