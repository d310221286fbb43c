import Foundation

/// A ridge-regularised response surface of log reward over index assignments: the proxy a
/// `ConfigurationLearner` trains its policy against between expensive evaluations.
///
///     log R̂(x) = μ + Σ_k w_k[x_k] + Σ_{a<b} c_ab · t_a t_b + Σ_{a≠b} d_ab · t_a² t_b
///
/// The first sum is one weight per grid index (any shape along one parameter). The interaction terms run
/// over the ordinal positions only, with t_k = x_k / (n_k − 1) − ½ the index's place in its grid: they let
/// the surface bend along diagonals, as learning rate × number of trees does (the main effects alone cannot
/// say "a low learning rate needs many trees"). Every coefficient but μ is shrunk by the same ridge λ, so an
/// index never observed keeps weight 0 and unexplored values stay in play.
///
/// Fitted exactly: the normal equations (XᵀX + λ·P) θ = Xᵀy, solved by Cholesky.
public struct RewardSurface: Sendable, Equatable {
  /// Grid sizes, one per position of an assignment.
  public let gridSizes: [Int]
  /// The positions whose grid indices are ordered (they take part in interaction terms).
  public let ordinal: [Bool]
  /// Whether the interaction terms are fitted (otherwise the surface is additive).
  public let interactions: Bool
  /// Ridge strength λ > 0: each coefficient is shrunk as if λ extra observations sat at the mean.
  public let ridge: Double
  /// μ.
  public private(set) var intercept = 0.0
  /// w_k[v] per position k and index v.
  public private(set) var weights: [[Double]]
  /// The interaction terms: each (a, b, power) is t_a^power · t_b.
  public let interactionTerms: [(a: Int, b: Int, power: Int)]
  /// c_ab and d_ab, aligned with `interactionTerms`.
  public private(set) var interactionWeights: [Double]

  /// An unfitted surface (every prediction 0). `ordinal` defaults to every position.
  public init(gridSizes: [Int], ordinal: [Bool]? = nil, interactions: Bool = true, ridge: Double = 1) {
    self.gridSizes = gridSizes
    let ordinal = ordinal ?? gridSizes.map { _ in true }
    precondition(ordinal.count == gridSizes.count)
    self.ordinal = ordinal
    self.interactions = interactions
    self.ridge = ridge
    weights = gridSizes.map { [Double](repeating: 0, count: $0) }
    let varying = gridSizes.indices.filter { ordinal[$0] && gridSizes[$0] > 1 }
    var terms: [(a: Int, b: Int, power: Int)] = []
    if interactions {
      for (i, a) in varying.enumerated() { for b in varying[(i + 1)...] { terms.append((a, b, 1)) } }
      // A grid of two points has t² constant: its squared terms would repeat the main effect of b.
      for a in varying where gridSizes[a] > 2 { for b in varying where b != a { terms.append((a, b, 2)) } }
    }
    interactionTerms = terms
    interactionWeights = [Double](repeating: 0, count: terms.count)
  }

  public static func == (l: RewardSurface, r: RewardSurface) -> Bool {
    l.gridSizes == r.gridSizes && l.ordinal == r.ordinal && l.interactions == r.interactions && l.ridge == r.ridge
      && l.intercept == r.intercept && l.weights == r.weights && l.interactionWeights == r.interactionWeights
  }

  /// t_k of index `v` at position `k`: its place in the grid, centred on 0.
  func place(_ k: Int, _ v: Int) -> Double {
    gridSizes[k] > 1 ? Double(v) / Double(gridSizes[k] - 1) - 0.5 : 0
  }

  /// The nonzero features of an assignment as (column, value): intercept, one-hots, interactions.
  private func features(_ x: [Int], offsets: [Int], interactionColumn: Int) -> [(Int, Double)] {
    var out: [(Int, Double)] = [(0, 1)]
    for (k, v) in x.enumerated() { out.append((offsets[k] + v, 1)) }
    for (j, term) in interactionTerms.enumerated() {
      let ta = place(term.a, x[term.a])
      let value = (term.power == 1 ? ta : ta * ta) * place(term.b, x[term.b])
      if value != 0 { out.append((interactionColumn + j, value)) }
    }
    return out
  }

  /// Fits the surface to complete assignments and their log rewards (none: every prediction 0).
  ///
  /// - Complexity: O(observations · f² + d³) for f nonzero features per assignment and d coefficients.
  public mutating func fit(_ assignments: [[Int]], logRewards: [Double]) {
    precondition(assignments.count == logRewards.count)
    weights = gridSizes.map { [Double](repeating: 0, count: $0) }
    interactionWeights = [Double](repeating: 0, count: interactionTerms.count)
    intercept = 0
    guard !assignments.isEmpty else { return }
    var offsets: [Int] = []
    var d = 1
    for n in gridSizes {
      offsets.append(d)
      d += n
    }
    let interactionColumn = d
    d += interactionTerms.count
    var gram = [Double](repeating: 0, count: d * d)
    var rhs = [Double](repeating: 0, count: d)
    for (x, y) in zip(assignments, logRewards) {
      let f = features(x, offsets: offsets, interactionColumn: interactionColumn)
      for (i, vi) in f {
        rhs[i] += vi * y
        for (j, vj) in f { gram[i * d + j] += vi * vj }
      }
    }
    for i in 1..<d { gram[i * d + i] += ridge }
    let theta = Self.solveSymmetricPositiveDefinite(gram, rhs, dimension: d)
    intercept = theta[0]
    for k in gridSizes.indices { weights[k] = Array(theta[offsets[k]..<(offsets[k] + gridSizes[k])]) }
    interactionWeights = Array(theta[interactionColumn...])
  }

  /// log R̂(x) of a complete assignment.
  public func predict(_ assignment: [Int]) -> Double {
    var value = intercept
    for (k, index) in assignment.enumerated() { value += weights[k][index] }
    for (term, c) in zip(interactionTerms, interactionWeights) {
      let ta = place(term.a, assignment[term.a])
      value += c * (term.power == 1 ? ta : ta * ta) * place(term.b, assignment[term.b])
    }
    return value
  }

  /// An upper bound of log Σ_x R̂(x) over every assignment (constraints ignored): the additive part's exact
  /// log partition function plus the largest value each interaction term can add (|t| ≤ ½).
  public var logPartitionBound: Double {
    let additive = weights.reduce(intercept) { sum, w in
      let top = w.max() ?? 0
      return sum + top + log(w.reduce(0) { $0 + exp($1 - top) })
    }
    return zip(interactionTerms, interactionWeights).reduce(additive) { $0 + abs($1.1) * ($1.0.power == 1 ? 0.25 : 0.125) }
  }

  /// Solves A θ = b for a symmetric positive definite A (row-major, `dimension`²) by Cholesky.
  static func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], dimension n: Int) -> [Double] {
    var l = a
    for j in 0..<n {
      var diagonal = l[j * n + j]
      for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
      let root = diagonal.squareRoot()
      l[j * n + j] = root
      for i in (j + 1)..<max(j + 1, n) {
        var s = l[i * n + j]
        for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
        l[i * n + j] = s / root
      }
    }
    var y = b
    for i in 0..<n {
      for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
      y[i] /= l[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
      for k in (i + 1)..<max(i + 1, n) { y[i] -= l[k * n + i] * y[k] }
      y[i] /= l[i * n + i]
    }
    return y
  }
}
