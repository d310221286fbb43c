import Foundation
import NumeraiData

/// A feature stage of a trial's pipeline: fitted on feature columns only (never labels, so train, validation
/// and live rows may all be used), applied to any data set with the same input features, saved and loaded.
///
/// Outputs are int8 feature columns 0…4 with stable names, so the GBDT, the cache and every command take a
/// transformed data set unchanged. The identity (`raw`) is the only stage now; the feature lab adds more.
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
  /// The fitted state, for `FeatureTransforms.load`.
  func encoded() throws -> Data
}

/// The stages a trial can name, by spec: fitting, loading a saved one.
public enum FeatureTransforms {
  /// The spec of the identity stage (the data's own features).
  public static let identity = "raw"
  /// Every spec a trial may name today.
  public static let specs = [identity]

  /// Fits the stage `spec` on `dataset`'s feature columns (its targets are never read).
  public static func fit(_ spec: String, on dataset: Dataset) throws -> any FeatureTransform {
    guard spec == identity else { throw FeatureTransformError.unknownSpec(spec) }
    return IdentityTransform(inputNames: dataset.featureNames)
  }

  /// A stage saved by `FeatureTransform.encoded()`.
  public static func load(_ data: Data, source: String) throws -> any FeatureTransform {
    let header: SavedHeader
    do { header = try JSONDecoder().decode(SavedHeader.self, from: data) } catch {
      throw FeatureTransformError.notATransform(source)
    }
    guard header.spec == identity else { throw FeatureTransformError.unknownSpec(header.spec) }
    return try JSONDecoder().decode(IdentityTransform.self, from: data)
  }

  private struct SavedHeader: Decodable { var spec: String }
}

/// Why a feature stage cannot be fitted, loaded or applied.
public enum FeatureTransformError: Error, CustomStringConvertible, Equatable {
  case unknownSpec(String)
  case notATransform(String)
  case missingInput(spec: String, feature: String)

  public var description: String {
    switch self {
    case .unknownSpec(let spec):
      return "feature stage '\(spec)': unknown, expected one of \(FeatureTransforms.specs.joined(separator: ", "))"
    case .notATransform(let source): return "\(source): not a saved feature stage"
    case .missingInput(let spec, let feature):
      return "feature stage '\(spec)' was fitted on \(feature), which the data lacks"
    }
  }
}
