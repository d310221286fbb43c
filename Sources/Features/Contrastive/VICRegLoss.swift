/// VICReg's loss (Bardes, Ponce & LeCun 2022) on two batches of embeddings of the same rows (`rows × width`,
/// row-major): λ · invariance (mean squared difference) + μ · variance (hinge keeping each dimension's standard
/// deviation at 1 or more, per view) + ν · covariance (squared off-diagonal covariances, per view), with its
/// gradients with respect to both batches.
struct VICRegLoss {
  var invarianceWeight = 25.0
  var varianceWeight = 25.0
  var covarianceWeight = 1.0
  static let epsilon = 1e-4

  /// The loss and its gradients with respect to `a` and `b`.
  // PERFORMANCE: O(rows · width²) for the covariance terms; width is the embedding (tens), so it stays small.
  func evaluate(_ a: [Float], _ b: [Float], rows: Int, width: Int) -> (loss: Double, gradientA: [Float], gradientB: [Float]) {
    let n = Double(rows), d = Double(width)
    var loss = 0.0
    var ga = [Double](repeating: 0, count: a.count)
    var gb = [Double](repeating: 0, count: b.count)
    for i in a.indices {
      let diff = Double(a[i]) - Double(b[i])
      loss += invarianceWeight * diff * diff / (n * d)
      ga[i] += invarianceWeight * 2 * diff / (n * d)
      gb[i] -= invarianceWeight * 2 * diff / (n * d)
    }
    loss += spread(a, rows: rows, width: width, gradient: &ga)
    loss += spread(b, rows: rows, width: width, gradient: &gb)
    return (loss, ga.map(Float.init), gb.map(Float.init))
  }

  /// One view's variance and covariance terms, their gradient added to `gradient`.
  private func spread(_ z: [Float], rows: Int, width: Int, gradient: inout [Double]) -> Double {
    let n = Double(rows), d = Double(width)
    var mean = [Double](repeating: 0, count: width)
    for r in 0..<rows { for j in 0..<width { mean[j] += Double(z[r * width + j]) / n } }
    var centred = [Double](repeating: 0, count: z.count)
    for r in 0..<rows { for j in 0..<width { centred[r * width + j] = Double(z[r * width + j]) - mean[j] } }
    var covariance = [Double](repeating: 0, count: width * width)
    for r in 0..<rows {
      for i in 0..<width {
        let x = centred[r * width + i]
        for j in 0..<width { covariance[i * width + j] += x * centred[r * width + j] / (n - 1) }
      }
    }
    var loss = 0.0
    for j in 0..<width {
      let std = (covariance[j * width + j] + Self.epsilon).squareRoot()
      guard std < 1 else { continue }
      loss += varianceWeight * (1 - std) / d
      for r in 0..<rows { gradient[r * width + j] -= varianceWeight * centred[r * width + j] / ((n - 1) * std * d) }
    }
    for i in 0..<width {
      for j in 0..<width where i != j { loss += covarianceWeight * covariance[i * width + j] * covariance[i * width + j] / d }
    }
    // d/dZ Σ_{i≠j} C_ij² = 4 / (n − 1) · Zc · C_off (centring drops out: Zc's columns sum to zero).
    for r in 0..<rows {
      for k in 0..<width {
        var sum = 0.0
        for j in 0..<width where j != k { sum += centred[r * width + j] * covariance[j * width + k] }
        gradient[r * width + k] += covarianceWeight * 4 * sum / ((n - 1) * d)
      }
    }
    return loss
  }
}
