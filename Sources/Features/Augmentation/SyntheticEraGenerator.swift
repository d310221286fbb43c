import Foundation
import NeuralNetwork
import NumeraiData

/// Seed 002's generative model of the feature→target relation: a ridge regression of the target on the
/// features per training era, a Gaussian mixture over those coefficient vectors, and new eras made from a real
/// era's feature rows with sampled coefficients plus noise at the fits' residual level, ranked and binned
/// 5/20/50/20/5 % into 0, .25, .5, .75, 1 as Numerai's targets are.
struct SyntheticEraGenerator {
  let mixture: GaussianMixture
  /// Pooled standard deviation of the per-era fits' residuals.
  let noise: Double

  /// Fits the per-era ridge regressions (features scaled to −1…1, both sides centred per era) and the mixture.
  static func fit(
    _ dataset: Dataset, groups: RowGroups, target: Int, components: Int, ridge: Double, seed: UInt64
  ) throws -> SyntheticEraGenerator {
    var residualSquares = 0.0, residualCount = 0
    let coefficients = try groups.eras.map { rows -> [Double] in
      let x = scaled(dataset, rows: rows)
      let y = centred(rows.map { Double(dataset.targets[$0, target]) }.map { $0.isNaN ? 0.5 : $0 })
      let beta = try ridgeFit(x, y, ridge: ridge)
      for (i, yi) in y.enumerated() {
        let fitted = x.indices.reduce(0.0) { $0 + x[$1][i] * beta[$1] }
        residualSquares += (yi - fitted) * (yi - fitted)
        residualCount += 1
      }
      return beta
    }
    let mixture = try GaussianMixture.fit(coefficients, components: components, seed: seed, regularization: 1e-6)
    return SyntheticEraGenerator(mixture: mixture, noise: (residualSquares / Double(max(residualCount, 1))).squareRoot())
  }

  /// `count` new eras, each on the feature rows of a real training era chosen at random (read in place).
  func generate(_ count: Int, from dataset: Dataset, groups: RowGroups, target: Int, rng: inout RandomSource) throws
    -> [TrainingRows.Block]
  {
    try (0..<count).map { _ in
      let rows = groups.eras[Int(rng.next() % UInt64(groups.eras.count))]
      let beta = try mixture.sample(using: &rng)
      return TrainingRows.Block(features: dataset.features, rows: rows, labels: labels(dataset, rows: rows, beta: beta, rng: &rng))
    }
  }

  /// The modelled target of `rows`: X·β + noise, binned like Numerai's.
  private func labels(_ dataset: Dataset, rows: [Int], beta: [Double], rng: inout RandomSource) -> [Float] {
    let x = Self.scaled(dataset, rows: rows)
    let returns = rows.indices.map { i in x.indices.reduce(0.0) { $0 + x[$1][i] * beta[$1] } + noise * GaussianMath.normal(&rng) }
    return Self.numeraiBins(returns).map(Float.init)
  }

  /// Values ranked and binned 5/20/50/20/5 % into 0, .25, .5, .75, 1 (ties by position).
  static func numeraiBins(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
    var out = [Double](repeating: 0, count: values.count)
    let n = Double(values.count)
    for (position, i) in order.enumerated() {
      let q = Double(position) / n
      out[i] = q < 0.05 ? 0 : q < 0.25 ? 0.25 : q < 0.75 ? 0.5 : q < 0.95 ? 0.75 : 1
    }
    return out
  }

  /// Feature columns of `rows` scaled to −1…1 and centred (features × rows).
  static func scaled(_ dataset: Dataset, rows: [Int]) -> [[Double]] {
    RowMaker.columns(dataset, rows: rows) { _, v in (Double(v) - 2) / 2 }.map(centred)
  }

  static func centred(_ x: [Double]) -> [Double] {
    let mean = x.reduce(0, +) / Double(max(x.count, 1))
    return x.map { $0 - mean }
  }

  /// β = (XᵀX + ridge·I)⁻¹ Xᵀy for X given as columns.
  static func ridgeFit(_ x: [[Double]], _ y: [Double], ridge: Double) throws -> [Double] {
    let p = x.count
    var gram = (0..<p).map { a in (0..<p).map { b in zip(x[a], x[b]).reduce(0) { $0 + $1.0 * $1.1 } + (a == b ? ridge : 0) } }
    let xty = (0..<p).map { a in zip(x[a], y).reduce(0) { $0 + $1.0 * $1.1 } }
    let inverse = try SmallMatrix.inverse(&gram)
    return (0..<p).map { a in (0..<p).reduce(0) { $0 + inverse[a][$1] * xty[$1] } }
  }
}
