import Foundation
import NeuralNetwork
import NumeraiData

/// Seed 002's second project: more training rows instead of more columns. An augmentation makes new rows from
/// the training rows only — never from a test fold, a sealed era or live data — seeded and reproducible:
///
/// - `cutout(fraction, copies)`: per era and copy, a random `fraction` of the columns set to the middle bin 2;
/// - `noise(sigma, copies)`: Gaussian noise on the 0…4 scale, re-binned per era into five equal-count bins;
/// - `rowAverage(copies)`: random pairs of rows within an era averaged, re-binned per era;
/// - `syntheticEras(count, components, ridge)`: per-era ridge fits of the target on the features, a Gaussian
///   mixture over those coefficient vectors, and new eras whose targets come from sampled coefficients times a
///   real era's feature rows plus noise, ranked and binned 5/20/50/20/5 % like Numerai's.
///
/// New rows carry the source rows' labels (cutout, noise: the same row; row average: the pair's mean). They come as
/// training blocks, one per new era, read where they lie: cutout and synthetic eras read the data set's own rows
/// (cutout with its chosen columns read as 2), noise and row averages a matrix that holds only the new rows — so
/// a fit never holds a second copy of the data set.
public enum TrainingAugmentation: Sendable, Equatable {
  case cutout(fraction: Double, copies: Int)
  case noise(sigma: Double, copies: Int)
  case rowAverage(copies: Int)
  case syntheticEras(count: Int, components: Int, ridge: Double)

  /// Parses `cutout:0.1:1`, `noise:0.3:1`, `rowavg:1`, `synthetic:100[:components[:ridge]]`.
  public init(_ spec: String) throws {
    let parts = spec.split(separator: ":").map(String.init)
    func number(_ i: Int, _ fallback: Double? = nil) throws -> Double {
      if i >= parts.count, let fallback { return fallback }
      guard i < parts.count, let v = Double(parts[i]), v.isFinite, v >= 0 else {
        throw FeatureTransformError.badSpec(spec, expected: "cutout:F:N, noise:S:N, rowavg:N or synthetic:N[:K[:RIDGE]]")
      }
      return v
    }
    switch parts.first {
    case "cutout" where parts.count == 3: self = .cutout(fraction: try number(1), copies: Int(try number(2)))
    case "noise" where parts.count == 3: self = .noise(sigma: try number(1), copies: Int(try number(2)))
    case "rowavg" where parts.count == 2: self = .rowAverage(copies: Int(try number(1)))
    case "synthetic" where (2...4).contains(parts.count):
      self = .syntheticEras(count: Int(try number(1)), components: Int(try number(2, 3)), ridge: try number(3, 100))
    default: throw FeatureTransformError.badSpec(spec, expected: "cutout:F:N, noise:S:N, rowavg:N or synthetic:N[:K[:RIDGE]]")
    }
    guard case .cutout(let f, _) = self, f >= 1 else { return }
    throw FeatureTransformError.badSpec(spec, expected: "a cutout fraction below 1")
  }

  /// Its spec (the inverse of `init(_:)`).
  public var spec: String {
    switch self {
    case .cutout(let f, let n): return "cutout:\(f):\(n)"
    case .noise(let s, let n): return "noise:\(s):\(n)"
    case .rowAverage(let n): return "rowavg:\(n)"
    case .syntheticEras(let n, let k, let ridge): return "synthetic:\(n):\(k):\(ridge)"
    }
  }

  /// `dataset`'s rows `trainRows` (grouped by their eras) followed by the new rows made from them only;
  /// `target` is the trained target (the one synthetic eras model).
  public func training(from dataset: Dataset, trainRows: [Int], target: Int, seed: UInt64) throws -> TrainingRows {
    TrainingRows(dataset, rows: trainRows, target: target, extra: try blocks(from: dataset, trainRows: trainRows, target: target, seed: seed))
  }

  /// The new rows, one block per new era.
  func blocks(from dataset: Dataset, trainRows: [Int], target: Int, seed: UInt64) throws -> [TrainingRows.Block] {
    var rng = RandomSource(seed: seed ^ 0xA06_3E47)
    let groups = RowGroups(dataset, rows: trainRows)
    switch self {
    case .cutout(let fraction, let copies):
      let cut = Int((fraction * Double(dataset.featureCount)).rounded())
      return (0..<copies).flatMap { _ in
        groups.eras.map { rows in
          let chosen = Array((0..<dataset.featureCount).shuffled(using: &rng).prefix(cut))
          return TrainingRows.Block(
            features: dataset.features, rows: rows, middleColumns: chosen,
            labels: dataset.targets.withUnsafeColumn(target) { c in rows.map { c[$0] } })
        }
      }
    case .noise(let sigma, let copies):
      return RowMaker.copies(dataset, groups: groups, copies: copies, target: target, rng: &rng) { era, rng in
        RowMaker.rebinned(RowMaker.columns(dataset, rows: era) { _, value in Double(value) + sigma * GaussianMath.normal(&rng) })
      }
    case .rowAverage(let copies):
      return RowMaker.averagedPairs(dataset, groups: groups, copies: copies, target: target, rng: &rng)
    case .syntheticEras(let count, let components, let ridge):
      let generator = try SyntheticEraGenerator.fit(dataset, groups: groups, target: target, components: components, ridge: ridge, seed: seed)
      return try generator.generate(count, from: dataset, groups: groups, target: target, rng: &rng)
    }
  }
}

/// Training rows grouped by era, in era order.
struct RowGroups {
  let eras: [[Int]]

  init(_ dataset: Dataset, rows: [Int]) {
    var eraOfRow = [Int](repeating: 0, count: dataset.rowCount)
    for (e, range) in dataset.eraRanges.enumerated() { for row in range { eraOfRow[row] = e } }
    var byEra: [Int: [Int]] = [:]
    for row in rows { byEra[eraOfRow[row], default: []].append(row) }
    eras = byEra.keys.sorted().map { byEra[$0]! }
  }
}
