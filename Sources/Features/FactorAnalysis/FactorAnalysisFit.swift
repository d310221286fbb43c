import Foundation

/// Maximum-likelihood factor analysis as scikit-learn's `FactorAnalysis(svd_method="lapack")` fits it, computed
/// from the covariance instead of the data: each iteration's SVD of X·Ψ^-½/√n is the eigendecomposition of
/// Ψ^-½ C Ψ^-½ (C the covariance with divisor n), so a fit costs O(features³) per iteration, not O(rows).
struct FactorAnalysisFit {
  /// Loadings, `factors × features` (scikit-learn's `components_`).
  var loadings: [[Double]]
  /// Per-feature noise variance Ψ (`noise_variance_`).
  var noiseVariance: [Double]
  /// The log-likelihood after each iteration (`loglike_`).
  var logLikelihoods: [Double]

  static let small = 1e-12

  /// Fits `factors` factors to the covariance `covariance` (row-major, divisor `rows`) of `rows` rows.
  init(covariance: [Double], features p: Int, rows n: Int, factors k: Int, tolerance: Double = 1e-2, maxIterations: Int = 1000) {
    let variance = (0..<p).map { covariance[$0 * p + $0] }
    let constant = Double(p) * log(2 * Double.pi) + Double(k)
    var psi = [Double](repeating: 1, count: p)
    var previous = -Double.infinity
    var loadings: [[Double]] = []
    var logLikelihoods: [Double] = []
    for _ in 0..<maxIterations {
      let scale = psi.map { $0.squareRoot() + Self.small }
      let eigen = SymmetricEigen(symmetric: Self.scaled(covariance, by: scale, p), size: p)
      let top = Array(eigen.values.prefix(k))
      let unexplained = eigen.values.dropFirst(k).reduce(0, +)
      loadings = (0..<k).map { f in
        let weight = max(top[f] - 1, 0).squareRoot()
        return (0..<p).map { weight * eigen.vectors[f][$0] * scale[$0] }
      }
      let ll = -Double(n) / 2 * (constant + top.map(log).reduce(0, +) + unexplained + psi.map(log).reduce(0, +))
      logLikelihoods.append(ll)
      if ll - previous < tolerance { break }
      previous = ll
      psi = (0..<p).map { j in max(variance[j] - loadings.reduce(0) { $0 + $1[j] * $1[j] }, Self.small) }
    }
    self.loadings = loadings
    self.logLikelihoods = logLikelihoods
    noiseVariance = psi
  }

  /// D C D for D = diag(1 / scale).
  private static func scaled(_ c: [Double], by scale: [Double], _ p: Int) -> [Double] {
    (0..<(p * p)).map { index in
      let (j, l) = index.quotientAndRemainder(dividingBy: p)
      return c[index] / (scale[j] * scale[l])
    }
  }
}
