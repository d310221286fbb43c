import Foundation
import NeuralNetwork

/// UMAP's spectral initialisation: the eigenvectors of the normalised graph Laplacian I − D^−½ W D^−½ with the
/// smallest eigenvalues after the first (umap-learn's `spectral_layout`), found as the largest of
/// (I + D^−½ W D^−½)/2 by block power iteration (re-orthonormalised every 10 steps, at most 300 steps, fewer once
/// the Rayleigh quotients settle) and a Rayleigh–Ritz step.
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
    for i in 0..<n {
      for r in 0..<block { for c in 0..<block { h[r * block + c] += q[i * block + r] * aq[i * block + c] } }
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

  /// (Q + D^−½ W D^−½ Q) / 2 for the `n × block` row-major Q.
  // PERFORMANCE: edges × block multiply-adds per step.
  private static func apply(_ edges: FuzzySimplicialSet.Edges, _ scale: [Double], _ q: [Double], block: Int) -> [Double]
  {
    var out = q.map { $0 / 2 }
    out.withUnsafeMutableBufferPointer { o in
      q.withUnsafeBufferPointer { x in
        for e in edges.head.indices {
          let (i, j) = (Int(edges.head[e]), Int(edges.tail[e]))
          let w = 0.5 * edges.weight[e] * scale[i] * scale[j]
          for r in 0..<block { o[i * block + r] += w * x[j * block + r] }
        }
      }
    }
    return out
  }

  /// Modified Gram–Schmidt on the columns of the `n × block` row-major Q (a dependent column is re-drawn as
  /// a unit coordinate vector).
  private static func orthonormalise(_ q: inout [Double], n: Int, block: Int) {
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
