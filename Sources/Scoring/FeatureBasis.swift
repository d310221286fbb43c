import RealModule

/// Least-squares neutralisation against `[features | 1]` for one era: numerai-tools' `neutralize` with proportion 1.
///
/// The constant column is handled by centring, so the fit is on centred features: the Gram matrix `X_cᵀX_c` (exact
/// when built from integer bins) is factorised once by pivoted Cholesky, which drops columns that are linear
/// combinations of earlier ones (constant or duplicated features). The projection is unique, so the residuals equal
/// `np.linalg.lstsq`'s whenever the features have full rank, and whenever dependent columns are exactly dependent.
///
/// - Complexity: building O(n·k²) (once per era, shared by every prediction column), neutralising O(n·k + k²).
struct FeatureBasis {
  let rowCount: Int
  let featureCount: Int
  /// Column-major `rowCount × featureCount` feature values.
  private let x: [Double]
  private let means: [Double]
  /// Lower-triangular pivoted Cholesky factor (row-major `rank × rank`) of the centred Gram matrix.
  private let factor: [Double]
  private let pivots: [Int]

  /// Pivots below this fraction of the largest centred sum of squares count as zero (σ below ~3e-6·σmax).
  static let rankTolerance = 1e-11

  /// From feature columns of doubles (each `rowCount` long).
  init(columns: [[Double]], rowCount: Int) {
    let k = columns.count
    var x = [Double](repeating: 0, count: rowCount * k)
    var means = [Double](repeating: 0, count: k)
    var centredColumns: [[Double]] = []
    for (j, column) in columns.enumerated() {
      precondition(column.count == rowCount, "feature column \(j) has \(column.count) rows, expected \(rowCount)")
      let mean = column.reduce(0, +) / Double(rowCount)
      means[j] = mean
      for i in 0..<rowCount { x[j * rowCount + i] = column[i] }
      centredColumns.append(column.map { $0 - mean })
    }
    var gram = [Double](repeating: 0, count: k * k)
    for j in 0..<k {
      for l in 0...j {
        var s = 0.0
        let a = centredColumns[j]
        let b = centredColumns[l]
        for i in 0..<rowCount { s += a[i] * b[i] }
        gram[j * k + l] = s
        gram[l * k + j] = s
      }
    }
    self.init(rowCount: rowCount, x: x, means: means, gram: gram)
  }

  /// From integer feature bins, column-major `rowCount × featureCount`; the centred Gram matrix is computed exactly.
  ///
  /// The cross products `Σ x_j·x_l` run in Float with relaxed (vectorised) summation: every product and every
  /// partial sum is an integer below 2^24 (rows are summed in blocks sized by the largest |bin|), so the result is
  /// exact whatever the summation order.
  init(bins: UnsafeBufferPointer<Int8>, rowCount n: Int, featureCount k: Int) {
    precondition(bins.count == n * k, "bins must hold rowCount × featureCount values")
    var sums = [Int64](repeating: 0, count: k)
    var x = [Double](repeating: 0, count: n * k)
    var xf = [Float](repeating: 0, count: n * k)
    var largest = 0
    x.withUnsafeMutableBufferPointer { x in
      xf.withUnsafeMutableBufferPointer { xf in
        for j in 0..<k {
          var s = 0
          for i in (j * n)..<((j + 1) * n) {
            let v = bins[i]
            s &+= Int(v)
            largest = max(largest, Int(v.magnitude))
            x[i] = Double(v)
            xf[i] = Float(v)
          }
          sums[j] = Int64(s)
        }
      }
    }
    // Rows in blocks that stay in L1 across all column pairs, and small enough for exact Float sums.
    let block = min(256, max(1, (1 << 24) / max(1, largest * largest)))
    var totals = [Int64](repeating: 0, count: k * k)
    xf.withUnsafeBufferPointer { xf in
      totals.withUnsafeMutableBufferPointer { totals in
        var start = 0
        while start < n {
          let end = min(n, start + block)
          for j in 0..<k {
            let a = xf.baseAddress! + j * n
            for l in 0...j {
              let b = xf.baseAddress! + l * n
              var s: Float = 0
              for i in start..<end { s = Relaxed.multiplyAdd(a[i], b[i], s) }
              totals[j * k + l] += Int64(s)
            }
          }
          start = end
        }
      }
    }
    var gram = [Double](repeating: 0, count: k * k)
    for j in 0..<k {
      for l in 0...j {
        // n·Σxy − Σx·Σy is an exact integer; one rounding gives the centred cross product.
        let centred = Double(Int64(n) * totals[j * k + l] - sums[j] * sums[l]) / Double(n)
        gram[j * k + l] = centred
        gram[l * k + j] = centred
      }
    }
    self.init(rowCount: n, x: x, means: sums.map { Double($0) / Double(n) }, gram: gram)
  }

  private init(rowCount: Int, x: [Double], means: [Double], gram: [Double]) {
    let k = means.count
    self.rowCount = rowCount
    self.featureCount = k
    self.x = x
    self.means = means
    var a = gram
    var perm = Array(0..<k)
    let largest = (0..<k).map { a[$0 * k + $0] }.max() ?? 0
    let tolerance = largest * Self.rankTolerance
    var rank = 0
    for j in 0..<k {
      var p = j
      for i in j..<k where a[i * k + i] > a[p * k + p] { p = i }
      if !(a[p * k + p] > tolerance) { break }
      if p != j {
        perm.swapAt(j, p)
        for c in 0..<k { a.swapAt(j * k + c, p * k + c) }
        for r in 0..<k { a.swapAt(r * k + j, r * k + p) }
      }
      let d = a[j * k + j].squareRoot()
      a[j * k + j] = d
      for i in (j + 1)..<k { a[i * k + j] /= d }
      for c in (j + 1)..<k {
        let lc = a[c * k + j]
        for i in (j + 1)..<k { a[i * k + c] -= a[i * k + j] * lc }
      }
      rank = j + 1
    }
    var factor = [Double](repeating: 0, count: rank * rank)
    for i in 0..<rank { for c in 0...i { factor[i * rank + c] = a[i * k + c] } }
    self.factor = factor
    self.pivots = Array(perm.prefix(rank))
  }

  /// `v − proj(v)` onto `[features | 1]`, or nil when `v` is constant (numerai-tools then yields NaN).
  func neutralize(_ v: [Double]) -> [Double]? {
    let n = rowCount
    precondition(v.count == n, "one value per row")
    guard let first = v.first, v.contains(where: { $0 != first }) else { return nil }
    let mean = v.reduce(0, +) / Double(n)
    let rank = pivots.count
    // Right-hand side X_cᵀ(v − v̄) for the kept columns, in pivot order.
    var y = [Double](repeating: 0, count: rank)
    x.withUnsafeBufferPointer { x in
      for (r, j) in pivots.enumerated() {
        var s = 0.0
        let base = j * n
        for i in 0..<n { s += (x[base + i] - means[j]) * (v[i] - mean) }
        y[r] = s
      }
    }
    // Solve L Lᵀ β = y.
    for i in 0..<rank {
      var s = y[i]
      for c in 0..<i { s -= factor[i * rank + c] * y[c] }
      y[i] = s / factor[i * rank + i]
    }
    for i in stride(from: rank - 1, through: 0, by: -1) {
      var s = y[i]
      for c in (i + 1)..<rank { s -= factor[c * rank + i] * y[c] }
      y[i] = s / factor[i * rank + i]
    }
    var offset = mean
    for (r, j) in pivots.enumerated() { offset -= y[r] * means[j] }
    var out = [Double](repeating: 0, count: n)
    x.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { out in
        for i in 0..<n { out[i] = v[i] - offset }
        for (r, j) in pivots.enumerated() {
          let beta = y[r]
          let base = j * n
          for i in 0..<n { out[i] -= beta * x[base + i] }
        }
      }
    }
    return out
  }
}

extension FeatureBasis {
  /// max_j |Pearson(feature_j, v)| over the non-constant features (NaN when all are constant or `v` is).
  func maxAbsCorrelation(_ v: [Double]) -> Double {
    let n = rowCount
    let mean = v.reduce(0, +) / Double(n)
    let centredV = v.map { $0 - mean }
    let vv = centredV.reduce(0) { $0 + $1 * $1 }
    if vv == 0 { return .nan }
    var best = -Double.infinity
    x.withUnsafeBufferPointer { x in
      for j in 0..<featureCount {
        let base = j * n
        let m = means[j]
        var xv = 0.0
        var xx = 0.0
        for i in 0..<n {
          let d = x[base + i] - m
          xv += d * centredV[i]
          xx += d * d
        }
        if xx == 0 { continue }
        best = max(best, min(1, abs(xv) / (xx.squareRoot() * vv.squareRoot())))
      }
    }
    return best == -.infinity ? .nan : best
  }
}
