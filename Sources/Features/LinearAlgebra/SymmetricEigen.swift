import Foundation

/// Eigenvalues and eigenvectors of a real symmetric matrix: Householder reduction to tridiagonal form, then the
/// implicit QL algorithm (the EISPACK `tred2`/`tql2` pair, as in JAMA).
///
/// - Complexity: O(n³) time, O(n²) memory.
public struct SymmetricEigen: Sendable {
  /// Eigenvalues, largest first.
  public let values: [Double]
  /// Eigenvectors, `vectors[k]` the unit vector of `values[k]`, its largest-magnitude entry positive.
  public let vectors: [[Double]]

  /// Decomposes the `n × n` symmetric matrix `matrix` (row-major; only symmetric input is meaningful).
  public init(symmetric matrix: [Double], size n: Int) {
    precondition(matrix.count == n * n, "a \(n) × \(n) matrix needs \(n * n) values")
    guard n > 0 else {
      (values, vectors) = ([], [])
      return
    }
    var v = matrix
    var d = [Double](repeating: 0, count: n)
    var e = [Double](repeating: 0, count: n)
    Self.tridiagonalize(&v, &d, &e, n)
    Self.diagonalize(&v, &d, &e, n)
    let order = (0..<n).sorted { d[$0] > d[$1] }
    values = order.map { d[$0] }
    vectors = order.map { k in
      let column = (0..<n).map { v[$0 * n + k] }
      let largest = column.max { abs($0) < abs($1) } ?? 0
      return largest < 0 ? column.map { -$0 } : column
    }
  }

  /// Householder reduction of `v` (row-major, overwritten by the orthogonal transformation) to the
  /// tridiagonal matrix with diagonal `d` and subdiagonal `e[1...]`.
  private static func tridiagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int) {
    for j in 0..<n { d[j] = v[(n - 1) * n + j] }
    for i in stride(from: n - 1, to: 0, by: -1) {
      var scale = 0.0
      var h = 0.0
      for k in 0..<i { scale += abs(d[k]) }
      if scale == 0 {
        e[i] = d[i - 1]
        for j in 0..<i {
          d[j] = v[(i - 1) * n + j]
          v[i * n + j] = 0
          v[j * n + i] = 0
        }
      } else {
        householderStep(&v, &d, &e, n, i, scale: scale, h: &h)
      }
      d[i] = h
    }
    accumulate(&v, &d, n)
    e[0] = 0
  }

  /// One Householder reflection zeroing row `i` left of the subdiagonal.
  private static func householderStep(
    _ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int, _ i: Int, scale: Double, h: inout Double
  ) {
    for k in 0..<i {
      d[k] /= scale
      h += d[k] * d[k]
    }
    var f = d[i - 1]
    var g = h.squareRoot()
    if f > 0 { g = -g }
    e[i] = scale * g
    h -= f * g
    d[i - 1] = f - g
    for j in 0..<i { e[j] = 0 }
    for j in 0..<i {
      f = d[j]
      v[j * n + i] = f
      g = e[j] + v[j * n + j] * f
      if j + 1 <= i - 1 {
        for k in (j + 1)...(i - 1) {
          g += v[k * n + j] * d[k]
          e[k] += v[k * n + j] * f
        }
      }
      e[j] = g
    }
    f = 0
    for j in 0..<i {
      e[j] /= h
      f += e[j] * d[j]
    }
    let hh = f / (h + h)
    for j in 0..<i { e[j] -= hh * d[j] }
    for j in 0..<i {
      f = d[j]
      g = e[j]
      for k in j...(i - 1) { v[k * n + j] -= f * e[k] + g * d[k] }
      d[j] = v[(i - 1) * n + j]
      v[i * n + j] = 0
    }
  }

  /// Accumulates the reflections into `v`, leaving the diagonal in `d`.
  private static func accumulate(_ v: inout [Double], _ d: inout [Double], _ n: Int) {
    for i in 0..<(n - 1) {
      v[(n - 1) * n + i] = v[i * n + i]
      v[i * n + i] = 1
      let h = d[i + 1]
      if h != 0 {
        for k in 0...i { d[k] = v[k * n + i + 1] / h }
        for j in 0...i {
          var g = 0.0
          for k in 0...i { g += v[k * n + i + 1] * v[k * n + j] }
          for k in 0...i { v[k * n + j] -= g * d[k] }
        }
      }
      for k in 0...i { v[k * n + i + 1] = 0 }
    }
    for j in 0..<n {
      d[j] = v[(n - 1) * n + j]
      v[(n - 1) * n + j] = 0
    }
    v[(n - 1) * n + n - 1] = 1
  }

  /// The implicit QL iteration on the tridiagonal (`d`, `e`), rotating `v` along: eigenvalues in `d`,
  /// eigenvectors in `v`'s columns.
  private static func diagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int) {
    for i in 1..<max(n, 1) { e[i - 1] = e[i] }
    e[n - 1] = 0
    var shift = 0.0
    var norm = 0.0
    let eps = Double.ulpOfOne
    for l in 0..<n {
      norm = max(norm, abs(d[l]) + abs(e[l]))
      var m = l
      while m < n - 1, abs(e[m]) > eps * norm { m += 1 }
      if m > l {
        repeat { qlSweep(&v, &d, &e, n, l, m, shift: &shift) } while abs(e[l]) > eps * norm
      }
      d[l] += shift
      e[l] = 0
    }
  }

  /// One implicitly shifted QL sweep over rows `l…m`.
  private static func qlSweep(
    _ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int, _ l: Int, _ m: Int, shift: inout Double
  ) {
    var g = d[l]
    var p = (d[l + 1] - g) / (2 * e[l])
    var r = hypot(p, 1)
    if p < 0 { r = -r }
    d[l] = e[l] / (p + r)
    d[l + 1] = e[l] * (p + r)
    let dl1 = d[l + 1]
    var h = g - d[l]
    if l + 2 < n { for i in (l + 2)..<n { d[i] -= h } }
    shift += h
    p = d[m]
    var c = 1.0
    var c2 = c
    var c3 = c
    let el1 = e[l + 1]
    var s = 0.0
    var s2 = 0.0
    for i in stride(from: m - 1, through: l, by: -1) {
      c3 = c2
      c2 = c
      s2 = s
      g = c * e[i]
      h = c * p
      r = hypot(p, e[i])
      e[i + 1] = s * r
      s = e[i] / r
      c = p / r
      p = c * d[i] - s * g
      d[i + 1] = h + s * (c * g + s * d[i])
      for k in 0..<n {
        h = v[k * n + i + 1]
        v[k * n + i + 1] = s * v[k * n + i] + c * h
        v[k * n + i] = c * v[k * n + i] - s * h
      }
    }
    p = -s * s2 * c3 * el1 * e[l] / dl1
    e[l] = s * p
    d[l] = c * p
  }
}
