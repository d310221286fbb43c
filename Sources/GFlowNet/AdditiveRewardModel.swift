/// A ridge-regularised additive model of log reward over index assignments: log R̂(x) = μ + Σ_k w_k[x_k].
///
/// It is the proxy a `ConfigurationLearner` trains its policy against between expensive evaluations: an
/// index never observed keeps weight 0 and so the mean reward, which keeps unexplored values in play.
/// Fitted by backfitting (exact coordinate descent on the ridge objective), which converges because each
/// block update is a closed-form minimiser.
public struct AdditiveRewardModel: Sendable, Equatable {
  /// Grid sizes, one per position of an assignment.
  public let gridSizes: [Int]
  /// Ridge strength λ: each weight is shrunk as if λ extra observations sat at the mean.
  public let ridge: Double
  /// μ, the mean observed log reward.
  public private(set) var intercept = 0.0
  /// w_k[v] per position k and index v.
  public private(set) var weights: [[Double]]

  /// An unfitted model (every prediction 0).
  public init(gridSizes: [Int], ridge: Double = 1) {
    self.gridSizes = gridSizes
    self.ridge = ridge
    weights = gridSizes.map { [Double](repeating: 0, count: $0) }
  }

  /// Fits the model to complete assignments and their log rewards.
  ///
  /// - Complexity: O(sweeps · observations · positions).
  public mutating func fit(_ assignments: [[Int]], logRewards: [Double], sweeps: Int = 30) {
    precondition(assignments.count == logRewards.count)
    weights = gridSizes.map { [Double](repeating: 0, count: $0) }
    guard !assignments.isEmpty else {
      intercept = 0
      return
    }
    intercept = logRewards.reduce(0, +) / Double(logRewards.count)
    var residual = logRewards.map { $0 - intercept }
    for _ in 0..<sweeps {
      for k in gridSizes.indices {
        var sums = [Double](repeating: 0, count: gridSizes[k])
        var counts = [Double](repeating: 0, count: gridSizes[k])
        for (i, x) in assignments.enumerated() {
          sums[x[k]] += residual[i] + weights[k][x[k]]
          counts[x[k]] += 1
        }
        let updated = zip(sums, counts).map { $0 / ($1 + ridge) }
        for (i, x) in assignments.enumerated() { residual[i] += weights[k][x[k]] - updated[x[k]] }
        weights[k] = updated
      }
    }
  }

  /// log R̂(x) of a complete assignment.
  public func predict(_ assignment: [Int]) -> Double {
    var value = intercept
    for (k, index) in assignment.enumerated() { value += weights[k][index] }
    return value
  }
}
