import Foundation
import RealModule

/// Numerai's per-era metrics, computed as numerai-tools 0.7 computes them (scoring.py), on one era's vectors.
///
/// Rows whose target is NaN are left out of every target-based metric, as numerai-tools' index filtering does.
/// Predictions must hold no NaN (checked by `EraEvaluation` and the CLI before they get here).
public enum NumeraiMetrics {
  /// Tie-kept percentile rank: (average rank − 0.5) / n, ranks starting at 1 (pandas `rank(method="average")`).
  ///
  /// - Complexity: O(n log n).
  public static func tieKeptRank(_ x: [Double]) -> [Double] {
    let n = x.count
    let order = x.indices.sorted { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: n)
    var i = 0
    while i < n {
      var j = i
      while j + 1 < n, x[order[j + 1]] == x[order[i]] { j += 1 }
      // Positions i…j (0-based) share the average 1-based rank (i + j)/2 + 1.
      let value = ((Double(i + j) / 2 + 1) - 0.5) / Double(n)
      for k in i...j { ranks[order[k]] = value }
      i = j + 1
    }
    return ranks
  }

  /// Φ⁻¹ of each rank (scipy's `norm.ppf`).
  public static func gaussian(_ ranks: [Double]) -> [Double] { ranks.map(NormalQuantile.of) }

  /// sign(x)·|x|^1.5.
  public static func signedPower15(_ x: [Double]) -> [Double] { x.map { $0 < 0 ? -pow(-$0, 1.5) : pow($0, 1.5) } }

  /// Pearson correlation; NaN when either side is constant.
  public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n
    let mb = b.reduce(0, +) / n
    var sab = 0.0
    var saa = 0.0
    var sbb = 0.0
    for i in a.indices {
      let da = a[i] - ma
      let db = b[i] - mb
      sab += da * db
      saa += da * da
      sbb += db * db
    }
    return sab / (saa * sbb).squareRoot()
  }

  /// The rows with a label, and the vectors restricted to them.
  private static func labelled(_ targets: [Double]) -> [Int] { targets.indices.filter { !targets[$0].isNaN } }

  /// numerai_corr: Pearson(pow1.5(gauss(rank(p))), pow1.5(t − mean t)) over the labelled rows;
  /// `targetPower15: false` leaves the centred target as it is (numerai-tools' `target_pow15=False`, for returns).
  public static func numeraiCorr(predictions: [Double], targets: [Double], targetPower15: Bool = true) -> Double {
    let rows = labelled(targets)
    let t = rows.map { targets[$0] }
    let mean = t.reduce(0, +) / Double(t.count)
    let p = signedPower15(gaussian(tieKeptRank(rows.map { predictions[$0] })))
    let centred = t.map { $0 - mean }
    return pearson(p, targetPower15 ? signedPower15(centred) : centred)
  }

  /// Plain Pearson correlation of raw predictions with the target over labelled rows (what the Python
  /// Signal Miner ranks by).
  public static func pearsonCorr(predictions: [Double], targets: [Double]) -> Double {
    let rows = labelled(targets)
    return pearson(rows.map { predictions[$0] }, rows.map { targets[$0] })
  }

  /// correlation_contribution (MMC against a meta model, BMC against a benchmark's predictions): the
  /// gaussianized predictions made orthogonal to the gaussianized meta model, dotted with the centred target
  /// (× 4 when it lies in [0, 1]), divided by n.
  public static func correlationContribution(predictions: [Double], metaModel: [Double], targets: [Double]) -> Double {
    let rows = labelled(targets).filter { !metaModel[$0].isNaN }
    let p = gaussian(tieKeptRank(rows.map { predictions[$0] }))
    let m = gaussian(tieKeptRank(rows.map { metaModel[$0] }))
    var pm = 0.0
    var mm = 0.0
    for i in p.indices {
      pm += p[i] * m[i]
      mm += m[i] * m[i]
    }
    let scale = pm / mm
    var t = rows.map { targets[$0] }
    if t.allSatisfy({ $0 >= 0 && $0 <= 1 }) { t = t.map { $0 * 4 } }
    let mean = t.reduce(0, +) / Double(t.count)
    var dot = 0.0
    for i in p.indices { dot += (t[i] - mean) * (p[i] - m[i] * scale) }
    return dot / Double(t.count)
  }

  /// The residual of `y` after least squares on the columns of `x` plus a constant column, by Householder QR.
  ///
  /// Columns whose remaining norm falls below 1e-6 of the largest column norm are dependent on earlier ones
  /// and skipped, as numpy's `lstsq(rcond=1e-6)` drops their direction.
  /// - Complexity: O(n · k²) for n rows and k columns, in one contiguous column-major buffer.
  public static func neutralize(_ y: [Double], against x: [[Double]]) -> [Double] {
    let n = y.count
    let k = x.count + 1
    var a = [Double](repeating: 1, count: n * k)
    for (j, column) in x.enumerated() {
      precondition(column.count == n, "every feature column holds one value per row")
      a.replaceSubrange((j * n)..<((j + 1) * n), with: column)
    }
    var r = y
    a.withUnsafeMutableBufferPointer { matrix in
      r.withUnsafeMutableBufferPointer { residual in
        let base = matrix.baseAddress!
        /// z[start…] −= 2 (v·z) v for a unit reflector v stored from row `start`.
        func reflect(_ v: UnsafeMutablePointer<Double>, from start: Int, _ z: UnsafeMutablePointer<Double>) {
          var dot = 0.0
          for i in start..<n { dot = Relaxed.multiplyAdd(v[i], z[i], dot) }
          let scale = 2 * dot
          for i in start..<n { z[i] -= scale * v[i] }
        }
        var largest = 0.0
        for j in 0..<k {
          var sum = 0.0
          for i in 0..<n { sum = Relaxed.multiplyAdd(base[j * n + i], base[j * n + i], sum) }
          largest = max(largest, sum.squareRoot())
        }
        var reflectors: [Int] = []
        for j in 0..<k where reflectors.count < n {
          let c = base + j * n
          for (q, column) in reflectors.enumerated() { reflect(base + column * n, from: q, c) }
          let start = reflectors.count
          var sum = 0.0
          for i in start..<n { sum = Relaxed.multiplyAdd(c[i], c[i], sum) }
          let norm = sum.squareRoot()
          guard norm > 1e-6 * largest else { continue }
          // The column becomes its unit Householder vector, mapping c[start…] onto ∓|c|·e₁.
          c[start] += c[start] >= 0 ? norm : -norm
          var vsum = 0.0
          for i in start..<n { vsum = Relaxed.multiplyAdd(c[i], c[i], vsum) }
          let inverse = 1 / vsum.squareRoot()
          for i in start..<n { c[i] *= inverse }
          reflectors.append(j)
        }
        // residual = Q (0, (Qᵀy)[rank…]).
        let z = residual.baseAddress!
        for (q, column) in reflectors.enumerated() { reflect(base + column * n, from: q, z) }
        for i in 0..<reflectors.count { z[i] = 0 }
        for (q, column) in reflectors.enumerated().reversed() { reflect(base + column * n, from: q, z) }
      }
    }
    return r
  }

  /// feature_neutral_corr: rank and gaussianize the predictions (all rows of the era), neutralize them to the
  /// features, then numerai_corr of the result against the target.
  public static func featureNeutralCorr(predictions: [Double], features: [[Double]], targets: [Double]) -> Double {
    let neutral = neutralize(gaussian(tieKeptRank(predictions)), against: features)
    return numeraiCorr(predictions: neutral, targets: targets)
  }

  /// Max feature exposure: the largest |Pearson(feature, predictions)| over the features (numerai-tools'
  /// max_feature_correlation), with the feature's index; constant features are skipped.
  public static func maxFeatureExposure(predictions: [Double], features: [[Double]]) -> (feature: Int, value: Double) {
    var best = (feature: -1, value: 0.0)
    for (j, f) in features.enumerated() {
      let c = abs(pearson(f, predictions))
      if !c.isNaN, c > best.value || best.feature < 0 { best = (j, c) }
    }
    return best
  }
}
