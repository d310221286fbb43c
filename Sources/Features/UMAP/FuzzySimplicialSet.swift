import Foundation

/// UMAP's fuzzy simplicial set of a k-NN graph (umap-learn's `fuzzy_simplicial_set`): each row's neighbour
/// distances smoothed to memberships exp(−(d − ρ)/σ), then symmetrised by fuzzy union A + Aᵀ − A∘Aᵀ.
enum FuzzySimplicialSet {
  static let tolerance = 1e-5
  static let minScale = 1e-3

  /// Per row ρ (distance to the nearest neighbour at `localConnectivity`) and σ (binary search, 64 steps, so
  /// Σ_j exp(−max(0, d_j − ρ)/σ) over the neighbours after the first equals log2(k)), as umap-learn's
  /// `smooth_knn_dist`. `distances` is `rows × k`, nearest first.
  static func smoothDistances(_ distances: [Double], k: Int, localConnectivity: Double = 1) -> (
    sigmas: [Double], rhos: [Double]
  ) {
    let n = distances.count / k
    let target = log2(Double(k))
    let meanAll = distances.reduce(0, +) / Double(max(distances.count, 1))
    var sigmas = [Double](repeating: 0, count: n)
    var rhos = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let row = distances[(i * k)..<((i + 1) * k)]
      let nonZero = row.filter { $0 > 0 }
      var rho = 0.0
      if Double(nonZero.count) >= localConnectivity {
        let index = Int(localConnectivity.rounded(.down))
        let interpolation = localConnectivity - Double(index)
        if index > 0 {
          rho = nonZero[nonZero.startIndex + index - 1]
          if interpolation > tolerance { rho += interpolation * (nonZero[nonZero.startIndex + index] - rho) }
        } else {
          rho = interpolation * nonZero[nonZero.startIndex]
        }
      } else if let largest = nonZero.max() {
        rho = largest
      }
      var (lo, hi, mid) = (0.0, Double.infinity, 1.0)
      for _ in 0..<64 {
        var sum = 0.0
        for d in row.dropFirst() { sum += d - rho > 0 ? exp(-(d - rho) / mid) : 1 }
        if abs(sum - target) < tolerance { break }
        if sum > target {
          hi = mid
          mid = (lo + hi) / 2
        } else {
          lo = mid
          mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
        }
      }
      let floor = minScale * (rho > 0 ? row.reduce(0, +) / Double(k) : meanAll)
      sigmas[i] = max(mid, floor)
      rhos[i] = rho
    }
    return (sigmas, rhos)
  }

  /// The membership of neighbour `d` of a row with `sigma` and `rho` (1 within ρ).
  @inline(__always)
  static func membership(_ d: Double, sigma: Double, rho: Double) -> Double {
    d - rho <= 0 || sigma == 0 ? 1 : exp(-(d - rho) / sigma)
  }

  /// The symmetric fuzzy graph of `graph` as edges (row-major order, both directions, zero weights dropped).
  static func edges(of graph: NearestNeighbors) -> Edges {
    let k = graph.k
    let n = graph.indices.count / k
    let (sigmas, rhos) = smoothDistances(graph.distances, k: k)
    var directed = [[Int32: Double]](repeating: [:], count: n)
    for i in 0..<n {
      for m in 0..<k {
        let j = graph.indices[i * k + m]
        if Int(j) == i { continue }
        directed[i][j] = membership(graph.distances[i * k + m], sigma: sigmas[i], rho: rhos[i])
      }
    }
    var rows = [[Int32: Double]](repeating: [:], count: n)
    for i in 0..<n {
      for (j, w) in directed[i] {
        let back = directed[Int(j)][Int32(i)] ?? 0
        let union = w + back - w * back
        rows[i][j] = union
        rows[Int(j)][Int32(i)] = union
      }
    }
    var edges = Edges()
    for i in 0..<n {
      for j in rows[i].keys.sorted() where rows[i][j]! > 0 {
        edges.head.append(Int32(i))
        edges.tail.append(j)
        edges.weight.append(rows[i][j]!)
      }
    }
    return edges
  }

  /// A sparse symmetric graph as parallel arrays.
  struct Edges: Sendable {
    var head: [Int32] = []
    var tail: [Int32] = []
    var weight: [Double] = []
  }
}
