import CMatrixKernel
import Foundation
import NeuralNetwork

/// UMAP's spectral initialisation: the eigenvectors of the normalised graph Laplacian I − D^−½ W D^−½ with the
/// smallest eigenvalues after the first (umap-learn's `spectral_layout`), found as the largest of
/// (I + D^−½ W D^−½)/2 by block power iteration (re-orthonormalised every 10 steps by Cholesky QR twice, at most
/// 300 steps, fewer once the Rayleigh quotients settle) and a Rayleigh–Ritz step. The graph product runs on two
/// threads, each owning whole rows, so the result does not depend on the split.
///
/// A disconnected graph keeps one eigenvalue 1 per component; its vectors still separate the components
/// (umap-learn lays components out separately instead).
enum SpectralLayout {
  static let iterations = 300
  /// The iteration stops early when no column's Rayleigh quotient moved more than this over 10 steps.
  static let tolerance = 1e-8

  /// `n × dim` coordinates (row-major), or nil when the iteration produced no finite vectors.
  static func layout(_ edges: FuzzySimplicialSet.Edges, count n: Int, dim: Int, seed: UInt64) -> [Double]? {
    let block = min(n, dim + 1 + min(dim + 1, 8))
    guard block > dim else { return nil }
    var degree = [Double](repeating: 0, count: n)
    for (i, w) in zip(edges.head, edges.weight) { degree[Int(i)] += w }
    guard degree.allSatisfy({ $0 > 0 }) else { return nil }
    let scale = degree.map { 1 / $0.squareRoot() }
    var rng = RandomSource(seed: seed ^ 0x5350_4543)
    var q = (0..<(n * block)).map { _ in rng.nextUnit() - 0.5 }
    orthonormalise(&q, n: n, block: block)
    var quotients: [Double] = []
    for step in 1...iterations {
      let next = apply(edges, scale, q, block: block)
      if step % 10 == 1 {  // q is orthonormal: its columns' Rayleigh quotients come free with this product
        let current = rayleighQuotients(q, next, n: n, block: block)
        let settled = zip(current, quotients).allSatisfy { abs($0 - $1) < tolerance } && !quotients.isEmpty
        quotients = current
        if settled { break }
      }
      q = next
      if step % 10 == 0 { orthonormalise(&q, n: n, block: block) }
    }
    let aq = apply(edges, scale, q, block: block)
    var h = [Double](repeating: 0, count: block * block)
    h.withUnsafeMutableBufferPointer { h in
      q.withUnsafeBufferPointer { q in
        aq.withUnsafeBufferPointer { aq in
          for i in 0..<n {
            for r in 0..<block { mk_axpy_f64(h.baseAddress! + r * block, aq.baseAddress! + i * block, q[i * block + r], block) }
          }
        }
      }
    }
    for r in 0..<block {
      for c in 0..<r {
        let mean = (h[r * block + c] + h[c * block + r]) / 2
        (h[r * block + c], h[c * block + r]) = (mean, mean)
      }
    }
    let eigen = SymmetricEigen(symmetric: h, size: block)
    var out = [Double](repeating: 0, count: n * dim)
    for d in 0..<dim {
      let v = eigen.vectors[d + 1]
      for i in 0..<n {
        var sum = 0.0
        for r in 0..<block { sum += q[i * block + r] * v[r] }
        out[i * dim + d] = sum
      }
    }
    return out.allSatisfy(\.isFinite) ? out : nil
  }

  /// q_c · (AQ)_c for each column c.
  private static func rayleighQuotients(_ q: [Double], _ aq: [Double], n: Int, block: Int) -> [Double] {
    var out = [Double](repeating: 0, count: block)
    for i in 0..<n { for c in 0..<block { out[c] += q[i * block + c] * aq[i * block + c] } }
    return out
  }

  /// (Q + D^−½ W D^−½ Q) / 2 for the `n × block` row-major Q (edges grouped by head, as `FuzzySimplicialSet` gives
  /// them): two threads, each adding into its own rows in edge order.
  // PERFORMANCE: edges × block multiply-adds per step.
  private static func apply(_ edges: FuzzySimplicialSet.Edges, _ scale: [Double], _ q: [Double], block: Int) -> [Double]
  {
    var out = q.map { $0 / 2 }
    let cut = middleHeadBoundary(edges.head)
    out.withUnsafeMutableBufferPointer { o in
      q.withUnsafeBufferPointer { x in
        let (o, x) = (SendableMutablePointer(o.baseAddress!), SendablePointer(x.baseAddress!))
        DispatchQueue.concurrentPerform(iterations: 2) { part in
          for e in part == 0 ? 0..<cut : cut..<edges.head.count {
            let (i, j) = (Int(edges.head[e]), Int(edges.tail[e]))
            mk_axpy_f64(o.pointer + i * block, x.pointer + j * block, 0.5 * edges.weight[e] * scale[i] * scale[j], block)
          }
        }
      }
    }
    return out
  }

  /// The first edge index at or after the middle whose head differs from the edge before it, so that each half
  /// of the edges writes its own rows.
  private static func middleHeadBoundary(_ head: [Int32]) -> Int {
    var cut = head.count / 2
    while cut > 0 && cut < head.count && head[cut] == head[cut - 1] { cut += 1 }
    return cut
  }

  /// Orthonormalises the columns of the `n × block` row-major Q by Cholesky QR twice (Q ← Q R⁻¹ with RᵀR = QᵀQ;
  /// the second pass removes what the first left to rounding), or by modified Gram–Schmidt when QᵀQ is too
  /// ill-conditioned for Cholesky.
  private static func orthonormalise(_ q: inout [Double], n: Int, block: Int) {
    for _ in 0..<2 {
      guard let inverse = upperInverse(cholesky(gram(q, n: n, block: block), block), block) else {
        return gramSchmidt(&q, n: n, block: block)
      }
      q = multiplyRows(q, n: n, block: block, byUpper: inverse)
    }
  }

  /// The upper triangle of QᵀQ (`block × block` row-major), a row of Q at a time.
  private static func gram(_ q: [Double], n: Int, block: Int) -> [Double] {
    var g = [Double](repeating: 0, count: block * block)
    g.withUnsafeMutableBufferPointer { g in
      q.withUnsafeBufferPointer { q in
        for i in 0..<n {
          let row = q.baseAddress! + i * block
          for r in 0..<block { mk_axpy_f64(g.baseAddress! + r * block + r, row + r, row[r], block - r) }
        }
      }
    }
    return g
  }

  /// R upper triangular with RᵀR = G (G's upper triangle), or nil when G is not clearly positive definite.
  private static func cholesky(_ g: [Double], _ size: Int) -> [Double]? {
    var r = [Double](repeating: 0, count: size * size)
    for j in 0..<size {
      var pivot = g[j * size + j]
      for k in 0..<j { pivot -= r[k * size + j] * r[k * size + j] }
      guard pivot > 1e-12 * g[j * size + j], pivot.isFinite else { return nil }
      r[j * size + j] = pivot.squareRoot()
      for c in (j + 1)..<max(j + 1, size) {
        var value = g[j * size + c]
        for k in 0..<j { value -= r[k * size + j] * r[k * size + c] }
        r[j * size + c] = value / r[j * size + j]
      }
    }
    return r
  }

  /// The inverse of the upper-triangular R (upper triangular), column by column by back substitution.
  private static func upperInverse(_ r: [Double]?, _ size: Int) -> [Double]? {
    guard let r else { return nil }
    var inverse = [Double](repeating: 0, count: size * size)
    for c in 0..<size {
      for row in stride(from: c, through: 0, by: -1) {
        var value = row == c ? 1.0 : 0.0
        for k in (row + 1)..<(c + 1) { value -= r[row * size + k] * inverse[k * size + c] }
        inverse[row * size + c] = value / r[row * size + row]
      }
    }
    return inverse
  }

  /// Q·U for the `n × block` row-major Q and the upper-triangular U, a row at a time.
  private static func multiplyRows(_ q: [Double], n: Int, block: Int, byUpper u: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: n * block)
    out.withUnsafeMutableBufferPointer { o in
      q.withUnsafeBufferPointer { q in
        u.withUnsafeBufferPointer { u in
          for i in 0..<n {
            for r in 0..<block {
              mk_axpy_f64(o.baseAddress! + i * block + r, u.baseAddress! + r * block + r, q[i * block + r], block - r)
            }
          }
        }
      }
    }
    return out
  }

  /// Modified Gram–Schmidt on the columns of the `n × block` row-major Q (a dependent column is re-drawn as
  /// a unit coordinate vector).
  private static func gramSchmidt(_ q: inout [Double], n: Int, block: Int) {
    q.withUnsafeMutableBufferPointer { x in
      for c in 0..<block {
        for p in 0..<c {
          var dot = 0.0
          for i in 0..<n { dot += x[i * block + p] * x[i * block + c] }
          for i in 0..<n { x[i * block + c] -= dot * x[i * block + p] }
        }
        var norm = 0.0
        for i in 0..<n { norm += x[i * block + c] * x[i * block + c] }
        norm = norm.squareRoot()
        if norm < 1e-300 {
          for i in 0..<n { x[i * block + c] = i == c ? 1 : 0 }
        } else {
          for i in 0..<n { x[i * block + c] /= norm }
        }
      }
    }
  }
}
