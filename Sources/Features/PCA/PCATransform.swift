import Foundation
import NumeraiData

/// The `pca:K` stage: the data's top K principal components (of the int8 features' exact covariance), each
/// binned per era into five equal-count bins, as `feature_pca_001…`.
///
/// Fitted on feature columns only; components are unit vectors, largest eigenvalue first, each with its
/// largest-magnitude loading positive (so a refit on the same rows gives the same names and signs).
public struct PCATransform: FeatureTransform, Codable, Equatable {
  public var spec: String { "pca:\(components.count)" }
  public let inputNames: [String]
  /// Feature means at fit time.
  public let means: [Double]
  /// `components[k]` are the loadings of component k over `inputNames`.
  public let components: [[Double]]
  /// The variance each component explains (eigenvalues of the covariance, divisor rows − 1).
  public let explainedVariance: [Double]

  public var outputNames: [String] { (1...max(components.count, 1)).prefix(components.count).map(Self.name) }

  /// The output feature name of component `k` (1-based): `feature_pca_001`.
  public static func name(_ k: Int) -> String { "feature_pca_" + String(format: "%03d", k) }

  /// Fits `count` components on `dataset`'s features.
  /// - Throws: `FeatureTransformError.badSpec` when `count` is not within 1…features.
  public static func fit(_ count: Int, on dataset: Dataset) throws -> PCATransform {
    guard (1...max(dataset.featureCount, 1)).contains(count), dataset.featureCount > 0 else {
      throw FeatureTransformError.badSpec("pca:\(count)", expected: "1…\(dataset.featureCount) components")
    }
    let moments = FeatureMoments(dataset.features)
    let eigen = SymmetricEigen(symmetric: moments.covariance, size: moments.features)
    return PCATransform(
      inputNames: dataset.featureNames, means: moments.means, components: Array(eigen.vectors.prefix(count)),
      explainedVariance: Array(eigen.values.prefix(count)))
  }

  /// Each row's score on each component (centred by the fit's means), component-major.
  public func scores(_ dataset: Dataset) throws -> [[Double]] {
    try LinearProjection.scores(dataset, inputNames: inputNames, means: means, weights: components, spec: spec)
  }

  public func apply(to dataset: Dataset) throws -> Dataset { try applyKeepingScores(to: dataset).dataset }

  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    EraBinning.output(dataset, binning: try scores(dataset), as: outputNames)
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(spec: spec, transform: self))
  }

  /// The saved form: the spec beside the fitted state.
  struct Saved: Codable {
    var spec: String
    var transform: PCATransform
  }
}
