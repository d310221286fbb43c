import Foundation

/// Numerai's scoring functions for one era, ported from numerai-tools' `scoring.py` to agree to 1e-9.
///
/// Every function takes one era's vectors, aligned row by row. Targets may hold NaN (unlabelled rows): those rows are
/// dropped where numerai-tools' index alignment drops them. Predictions, meta model and features must be finite.
public enum NumeraiMetrics {
  // MARK: - Transforms

  /// Tie-kept percentile rank: `(average rank − 0.5) / n`, ties sharing their average rank (pandas `rank()`).
  ///
  /// - Complexity: O(n log n).
  public static func tieKeptRank(_ x: [Double]) -> [Double] {
    let n = x.count
    var ranks = [Double](repeating: 0, count: n)
    if n == 0 { return ranks }
    let order = RadixOrder.ascending(x)
    x.withUnsafeBufferPointer { values in
      ranks.withUnsafeMutableBufferPointer { out in
        let count = Double(n)
        var start = 0
        while start < n {
          var end = start + 1
          let v = values[Int(order[start])]
          while end < n && values[Int(order[end])] == v { end += 1 }
          // Positions start..<end share ranks start+1 … end, whose average is (start + end + 1) / 2.
          let rank = (Double(start + end + 1) * 0.5 - 0.5) / count
          for k in start..<end { out[Int(order[k])] = rank }
          start = end
        }
      }
    }
    return ranks
  }

  /// Φ⁻¹ of each value (scipy's `norm.ppf`): ranks in (0, 1) become standard normal scores.
  public static func gaussian(_ ranks: [Double]) -> [Double] {
    ranks.map { NormalQuantile.value($0) }
  }

  /// `sign(x)·|x|^p`, numerai-tools' `power`.
  public static func signedPower(_ x: [Double], _ p: Double = 1.5) -> [Double] {
    if p == 1.5 { return x.map { $0 * abs($0).squareRoot() } }
    return x.map { $0 < 0 ? -Foundation.pow(-$0, p) : Foundation.pow($0, p) }
  }

  /// Tie-kept rank, then Φ⁻¹.
  public static func rankGauss(_ x: [Double]) -> [Double] { gaussian(tieKeptRank(x)) }

  // MARK: - Correlations

  /// Pearson correlation as pandas computes it (NaN when either side is constant or shorter than 2).
  public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "pearson needs equal lengths")
    let n = a.count
    if n < 2 { return .nan }
    return a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in
        var sx = 0.0
        var sy = 0.0
        for i in 0..<n {
          sx += x[i]
          sy += y[i]
        }
        let mx = sx / Double(n)
        let my = sy / Double(n)
        var sxx = 0.0
        var syy = 0.0
        var sxy = 0.0
        for i in 0..<n {
          let dx = x[i] - mx
          let dy = y[i] - my
          sxx += dx * dx
          syy += dy * dy
          sxy += dx * dy
        }
        if sxx == 0 || syy == 0 { return .nan }
        return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
      }
    }
  }

  /// numerai_corr: Pearson(pow1.5(gauss(rank(p))), pow1.5(t − mean t)).
  ///
  /// The target is centred over its labelled rows, rows with a NaN target are dropped, and the predictions are ranked
  /// over the remaining rows, as numerai-tools does. `targetPower15: false` leaves the centred target unpowered.
  public static func numeraiCorr(predictions: [Double], targets: [Double], targetPower15: Bool = true) -> Double {
    precondition(predictions.count == targets.count, "one target per prediction")
    let (p, t) = labelled(predictions, targets)
    return corrOfLabelled(predictions: p, centredTargets: centred(t), targetPower15: targetPower15)
  }

  /// correlation_contribution (MMC against a meta model; BMC against a benchmark model's predictions).
  ///
  /// Predictions and meta model are rank-gaussianised over the labelled rows; the predictions are orthogonalised to
  /// the meta model; the score is their dot product with the centred target (times 4 when the target lies in
  /// [0, 1]), divided by the row count.
  public static func correlationContribution(predictions: [Double], metaModel: [Double], targets: [Double]) -> Double {
    precondition(predictions.count == targets.count && metaModel.count == targets.count, "aligned vectors")
    var keep: [Int] = []
    keep.reserveCapacity(targets.count)
    for i in targets.indices where !targets[i].isNaN { keep.append(i) }
    let p = rankGauss(keep.map { predictions[$0] })
    let m = rankGauss(keep.map { metaModel[$0] })
    return contribution(gaussPredictions: p, gaussMeta: m, targets: keep.map { targets[$0] })
  }

  /// feature_neutral_corr: rank-gaussianise the predictions over all rows, subtract their least-squares projection on
  /// `[features | 1]`, then take numerai_corr of the residuals. NaN when the predictions are constant.
  public static func featureNeutralCorr(predictions: [Double], features: [[Double]], targets: [Double]) -> Double {
    precondition(predictions.count == targets.count, "one target per prediction")
    let basis = FeatureBasis(columns: features, rowCount: predictions.count)
    guard let residuals = basis.neutralize(rankGauss(predictions)) else { return .nan }
    return numeraiCorr(predictions: residuals, targets: targets)
  }

  /// The largest |Pearson correlation| between the raw predictions and any feature (numerai-tools'
  /// `max_feature_correlation`); constant features are skipped.
  public static func maxFeatureExposure(predictions: [Double], features: [[Double]]) -> Double {
    var best = -Double.infinity
    for column in features {
      let c = abs(pearson(column, predictions))
      if !c.isNaN && c > best { best = c }
    }
    return best == -.infinity ? .nan : best
  }

  // MARK: - Shared steps

  /// The rows whose target is labelled.
  static func labelled(_ values: [Double], _ targets: [Double]) -> ([Double], [Double]) {
    if !targets.contains(where: \.isNaN) { return (values, targets) }
    var v: [Double] = []
    var t: [Double] = []
    for i in targets.indices where !targets[i].isNaN {
      v.append(values[i])
      t.append(targets[i])
    }
    return (v, t)
  }

  /// `t − mean(t)`.
  static func centred(_ t: [Double]) -> [Double] {
    let mean = t.reduce(0, +) / Double(t.count)
    return t.map { $0 - mean }
  }

  /// numerai_corr on labelled rows with an already centred target.
  static func corrOfLabelled(predictions: [Double], centredTargets: [Double], targetPower15: Bool = true) -> Double {
    let p = signedPower(rankGauss(predictions))
    return pearson(targetPower15 ? signedPower(centredTargets) : centredTargets, p)
  }

  /// The contribution score from rank-gaussianised predictions and meta model over labelled rows.
  static func contribution(gaussPredictions p: [Double], gaussMeta m: [Double], targets: [Double]) -> Double {
    let n = p.count
    var pm = 0.0
    var mm = 0.0
    for i in 0..<n {
      pm += p[i] * m[i]
      mm += m[i] * m[i]
    }
    let scale = pm / mm
    let bucketed = targets.allSatisfy { $0 >= 0 && $0 <= 1 }
    let t = centred(bucketed ? targets.map { $0 * 4 } : targets)
    var dot = 0.0
    for i in 0..<n { dot += t[i] * (p[i] - m[i] * scale) }
    return dot / Double(n)
  }
}
