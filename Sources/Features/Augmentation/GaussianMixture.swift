import Foundation
import NeuralNetwork

/// A Gaussian mixture with full covariances fitted by EM, as scikit-learn's `GaussianMixture(covariance_type=
/// "full")`: k-means++ centres give the hard first responsibilities, each M-step adds `regularization` to the
/// covariances' diagonals, and EM stops when the mean log-likelihood moves by less than `tolerance`.
public struct GaussianMixture: Sendable, Codable, Equatable {
  /// Mixing weights, summing to 1.
  public var weights: [Double]
  /// Component means (`components × dimensions`).
  public var means: [[Double]]
  /// Component covariances (`components × dimensions × dimensions`).
  public var covariances: [[[Double]]]
  /// The mean log-likelihood per sample at the last E-step (scikit-learn's `lower_bound_`).
  public var logLikelihood: Double
  /// EM iterations run.
  public var iterations: Int

  /// Fits `components` Gaussians to `samples` (each a vector of the same length).
  /// - Throws: `FeatureTransformError.badSpec` for fewer samples than components; `.singular` when a
  ///   covariance is not positive definite even after regularization.
  public static func fit(
    _ samples: [[Double]], components: Int, seed: UInt64, regularization: Double = 1e-6, tolerance: Double = 1e-3,
    maxIterations: Int = 100
  ) throws -> GaussianMixture {
    guard components >= 1, samples.count >= components else {
      throw FeatureTransformError.badSpec("gmm:\(components)", expected: "at least \(components) samples, got \(samples.count)")
    }
    return try run(
      samples, from: initial(samples, components: components, seed: seed, regularization: regularization),
      regularization: regularization, tolerance: tolerance, maxIterations: maxIterations)
  }

  /// The starting point of `fit`: an M-step from the hard responsibilities of the nearest k-means++ centre.
  public static func initial(_ samples: [[Double]], components: Int, seed: UInt64, regularization: Double = 1e-6) -> GaussianMixture {
    let centres = kMeansPlusPlus(samples, count: components, seed: seed)
    let hard = samples.map { x in (0..<components).min { squaredDistance(x, centres[$0]) < squaredDistance(x, centres[$1]) }! }
    let start = samples.indices.map { i in (0..<components).map { hard[i] == $0 ? 1.0 : 0.0 } }
    return mStep(samples, responsibilities: start, regularization: regularization)
  }

  /// EM from the given parameters (scikit-learn's loop: E-step, M-step, stop when the E-step's mean
  /// log-likelihood changed by less than `tolerance`).
  public static func run(
    _ samples: [[Double]], from initial: GaussianMixture, regularization: Double = 1e-6, tolerance: Double = 1e-3,
    maxIterations: Int = 100
  ) throws -> GaussianMixture {
    var model = initial
    var previous = -Double.infinity
    for iteration in 1...maxIterations {
      let (meanLogLikelihood, responsibilities) = try model.eStep(samples)
      model = mStep(samples, responsibilities: responsibilities, regularization: regularization)
      model.logLikelihood = meanLogLikelihood
      model.iterations = iteration
      if abs(meanLogLikelihood - previous) < tolerance { break }
      previous = meanLogLikelihood
    }
    return model
  }

  /// The mean log-likelihood of `samples` and each sample's responsibilities.
  func eStep(_ samples: [[Double]]) throws -> (Double, [[Double]]) {
    let factors = try covariances.map { try Cholesky($0) }
    var total = 0.0
    let responsibilities = samples.map { x -> [Double] in
      let logs = weights.indices.map { k in log(weights[k]) + factors[k].logDensity(x, mean: means[k]) }
      let norm = GaussianMath.logSumExp(logs)
      total += norm
      return logs.map { exp($0 - norm) }
    }
    return (total / Double(samples.count), responsibilities)
  }

  /// Weights, means and covariances (+ `regularization` on the diagonal) from responsibilities.
  static func mStep(_ samples: [[Double]], responsibilities: [[Double]], regularization: Double) -> GaussianMixture {
    let d = samples[0].count, k = responsibilities[0].count
    let mass = (0..<k).map { c in responsibilities.reduce(0) { $0 + $1[c] } + 10 * Double.ulpOfOne }
    let means = (0..<k).map { c in
      (0..<d).map { j in zip(samples, responsibilities).reduce(0) { $0 + $1.1[c] * $1.0[j] } / mass[c] }
    }
    let covariances = (0..<k).map { c -> [[Double]] in
      var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
      for (x, r) in zip(samples, responsibilities) where r[c] > 0 {
        for a in 0..<d {
          let da = r[c] * (x[a] - means[c][a])
          for b in a..<d { cov[a][b] += da * (x[b] - means[c][b]) }
        }
      }
      for a in 0..<d {
        for b in a..<d {
          cov[a][b] /= mass[c]
          cov[b][a] = cov[a][b]
        }
        cov[a][a] += regularization
      }
      return cov
    }
    let total = mass.reduce(0, +)
    return GaussianMixture(
      weights: mass.map { $0 / total }, means: means, covariances: covariances, logLikelihood: -.infinity,
      iterations: 0)
  }

  /// `count` centres by k-means++ (each next centre drawn with probability ∝ squared distance to the nearest).
  static func kMeansPlusPlus(_ samples: [[Double]], count: Int, seed: UInt64) -> [[Double]] {
    var rng = RandomSource(seed: seed)
    var centres = [samples[Int(rng.next() % UInt64(samples.count))]]
    var nearest = samples.map { squaredDistance($0, centres[0]) }
    while centres.count < count {
      let total = nearest.reduce(0, +)
      var u = rng.nextUnit() * total
      let pick = nearest.indices.first { u -= nearest[$0]; return u < 0 } ?? samples.count - 1
      centres.append(samples[pick])
      for i in samples.indices { nearest[i] = min(nearest[i], squaredDistance(samples[i], samples[pick])) }
    }
    return centres
  }

  /// A sample of the mixture: a component by weight, then its Gaussian.
  public func sample(using rng: inout RandomSource) throws -> [Double] {
    var u = rng.nextUnit()
    let k = weights.indices.first { u -= weights[$0]; return u < 0 } ?? weights.count - 1
    let z = means[k].map { _ in GaussianMath.normal(&rng) }
    return try Cholesky(covariances[k]).transform(z, mean: means[k])
  }

  static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
  }
}

/// The lower-triangular Cholesky factor L of a covariance (Σ = L·Lᵀ), for densities and samples.
struct Cholesky {
  let lower: [[Double]]

  /// - Throws: `FeatureTransformError.singular` when `covariance` is not positive definite.
  init(_ covariance: [[Double]]) throws {
    let n = covariance.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0...i {
        var sum = covariance[i][j]
        for k in 0..<j { sum -= l[i][k] * l[j][k] }
        if i == j {
          guard sum > 0 else { throw FeatureTransformError.singular }
          l[i][i] = sum.squareRoot()
        } else {
          l[i][j] = sum / l[j][j]
        }
      }
    }
    lower = l
  }

  /// log N(x; mean, L·Lᵀ).
  func logDensity(_ x: [Double], mean: [Double]) -> Double {
    let n = x.count
    var y = [Double](repeating: 0, count: n)  // L y = x − mean
    var logDeterminant = 0.0
    for i in 0..<n {
      var sum = x[i] - mean[i]
      for k in 0..<i { sum -= lower[i][k] * y[k] }
      y[i] = sum / lower[i][i]
      logDeterminant += log(lower[i][i])
    }
    return -0.5 * (Double(n) * log(2 * Double.pi) + y.reduce(0) { $0 + $1 * $1 }) - logDeterminant
  }

  /// mean + L·z.
  func transform(_ z: [Double], mean: [Double]) -> [Double] {
    mean.indices.map { i in mean[i] + (0...i).reduce(0) { $0 + lower[i][$1] * z[$1] } }
  }
}

/// Log-sum-exp and normal draws for the mixture and the synthetic eras.
enum GaussianMath {
  static func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    return m + log(x.reduce(0) { $0 + exp($1 - m) })
  }

  /// A standard normal draw (Box–Muller).
  static func normal(_ rng: inout RandomSource) -> Double {
    let u = max(rng.nextUnit(), 1e-300), v = rng.nextUnit()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }
}
