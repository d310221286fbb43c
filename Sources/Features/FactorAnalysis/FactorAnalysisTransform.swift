import Foundation
import NumeraiData

/// The `fa:K` stage: K latent factors by maximum-likelihood factor analysis (scikit-learn's method), each row's
/// posterior mean factor scores binned per era into five equal-count bins, as `feature_fa_001…`.
///
/// The seed-002 thread found factor-analysis features raised Corr Sharpe in every validation period.
public struct FactorAnalysisTransform: FeatureTransform, Codable, Equatable {
  public var spec: String { "fa:\(loadings.count)" }
  public let inputNames: [String]
  /// Feature means at fit time.
  public let means: [Double]
  /// Loadings, `factors × features`.
  public let loadings: [[Double]]
  /// Per-feature noise variance.
  public let noiseVariance: [Double]
  /// The log-likelihood after each EM-like iteration, last = the fit's.
  public let logLikelihoods: [Double]

  public var outputNames: [String] { (0..<loadings.count).map { "feature_fa_" + String(format: "%03d", $0 + 1) } }

  /// Fits `count` factors on `dataset`'s features.
  public static func fit(_ count: Int, on dataset: Dataset) throws -> FactorAnalysisTransform {
    guard dataset.featureCount > 0, (1...dataset.featureCount).contains(count) else {
      throw FeatureTransformError.badSpec("fa:\(count)", expected: "1…\(dataset.featureCount) factors")
    }
    let moments = FeatureMoments(dataset.features)
    let n = Double(moments.rows)
    // FeatureMoments gives divisor n − 1; scikit-learn's factor analysis works with divisor n.
    let covariance = moments.covariance.map { $0 * (n - 1) / n }
    let fit = FactorAnalysisFit(covariance: covariance, features: moments.features, rows: moments.rows, factors: count)
    return FactorAnalysisTransform(
      inputNames: dataset.featureNames, means: moments.means, loadings: fit.loadings, noiseVariance: fit.noiseVariance,
      logLikelihoods: fit.logLikelihoods)
  }

  /// Posterior mean factor scores per row, factor-major: (x − μ) Ψ⁻¹ Wᵀ (I + W Ψ⁻¹ Wᵀ)⁻¹.
  public func scores(_ dataset: Dataset) throws -> [[Double]] {
    let k = loadings.count
    let weighted: [[Double]] = loadings.map { row in zip(row, noiseVariance).map { $0 / $1 } }
    var system = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for a in 0..<k {
      for b in 0..<k {
        let product = zip(weighted[a], loadings[b]).reduce(0.0) { $0 + $1.0 * $1.1 }
        system[a][b] = product + (a == b ? 1 : 0)
      }
    }
    let inverse = try SmallMatrix.inverse(&system)
    let projected = try LinearProjection.scores(
      dataset, inputNames: inputNames, means: means, weights: weighted, spec: spec)
    return LinearProjection.mix(projected, by: inverse)
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
    var transform: FactorAnalysisTransform
  }
}
