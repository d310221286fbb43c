import Foundation
import GFlowNet

/// How alike two configurations' predictions are, known for evaluated configurations and predicted for the
/// others: the gfn sampler's guide for keeping a batch away from the models it already has.
///
/// Evaluated configurations are embedded by the leading principal directions of their predictions' correlation
/// matrix (so the cosine of two embeddings approximates their correlation); every embedding coordinate is then
/// fitted as a `RewardSurface` of the grid indices (main effects plus interactions), which embeds configurations
/// not evaluated yet. Similarity is the cosine of two embeddings.
public struct OutputSimilarity: Sendable {
  /// Principal directions kept.
  public let components: Int
  private var surfaces: [RewardSurface]
  private var known: [[Int]: [Double]] = [:]

  /// An unfitted model over grids of these sizes (`ordinal` as for `RewardSurface`).
  public init(gridSizes: [Int], ordinal: [Bool]? = nil, components: Int = 12, ridge: Double = 1) {
    self.components = components
    surfaces = (0..<components).map { _ in
      RewardSurface(gridSizes: gridSizes, ordinal: ordinal, interactions: true, ridge: ridge)
    }
  }

  /// Whether `fit` has seen at least two configurations.
  public var isFitted: Bool { known.count >= 2 }

  /// Fits to evaluated configurations and the correlation matrix of their predictions (same order).
  public mutating func fit(_ assignments: [[Int]], correlations: [[Double]]) {
    precondition(assignments.count == correlations.count, "one correlation row per configuration")
    let embedded = Self.embedding(of: correlations, components: components)
    known = [:]
    for (a, e) in zip(assignments, embedded) { known[a] = Self.normalized(e) }
    for k in surfaces.indices { surfaces[k].fit(assignments, logRewards: embedded.map { $0[k] }) }
  }

  /// The unit embedding of `assignment`: its own when evaluated, else the surfaces' prediction.
  public func embedding(_ assignment: [Int]) -> [Double] {
    known[assignment] ?? Self.normalized(surfaces.map { $0.predict(assignment) })
  }

  /// Cosine of the two embeddings: about the correlation of the two configurations' predictions.
  public func similarity(_ a: [Int], _ b: [Int]) -> Double {
    zip(embedding(a), embedding(b)).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// Rows u_i · √λ over the `components` leading eigenpairs (λ, u) of the symmetric matrix `c`, by orthogonal
  /// iteration from its first columns (Gram–Schmidt each round): `c` ≈ E Eᵀ.
  static func embedding(of c: [[Double]], components: Int) -> [[Double]] {
    let n = c.count
    let k = min(components, n)
    guard k > 0 else { return c.map { _ in [Double](repeating: 0, count: components) } }
    var q = (0..<k).map { j in (0..<n).map { i in c[i][j] + (i == j ? 1 : 0) } }
    func orthonormalize(_ q: inout [[Double]]) {
      for j in q.indices {
        for p in 0..<j {
          let d = zip(q[j], q[p]).reduce(0) { $0 + $1.0 * $1.1 }
          for i in 0..<n { q[j][i] -= d * q[p][i] }
        }
        let norm = q[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 1e-12 { for i in 0..<n { q[j][i] /= norm } } else { q[j] = [Double](repeating: 0, count: n) }
      }
    }
    func times(_ v: [Double]) -> [Double] { c.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } } }
    orthonormalize(&q)
    for _ in 0..<60 {
      q = q.map(times)
      orthonormalize(&q)
    }
    let eigenvalues = q.map { v in max(0, zip(v, times(v)).reduce(0) { $0 + $1.0 * $1.1 }) }
    return (0..<n).map { i in
      (0..<components).map { j in j < k ? q[j][i] * eigenvalues[j].squareRoot() : 0 }
    }
  }

  static func normalized(_ v: [Double]) -> [Double] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? v.map { $0 / norm } : v
  }
}
