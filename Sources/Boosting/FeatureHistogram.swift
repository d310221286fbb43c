/// One feature's histogram in one leaf, merged into the feature's bins (LightGBM's FeatureHistogram): gradient
/// sum and row count per bin, and the search for its best threshold.
///
/// Hessians are 1 per row, so a bin's hessian sum is its row count.
struct FeatureHistogram {
  var gradients: [Double]
  var counts: [Int]

  /// Merges per-value sums (`valueGradients[v]`, `valueCounts[v]` for values 0…4) into `bins`.
  init(valueGradients: UnsafePointer<Double>, valueCounts: UnsafePointer<Int32>, bins: FeatureBins) {
    gradients = [Double](repeating: 0, count: bins.count)
    counts = [Int](repeating: 0, count: bins.count)
    for v in 0..<5 {
      let b = Int(bins.binOfValue[v])
      gradients[b] += valueGradients[v]
      counts[b] += Int(valueCounts[v])
    }
  }

  /// Direct from per-bin sums (for tests).
  init(gradients: [Double], counts: [Int]) {
    self.gradients = gradients
    self.counts = counts
  }

  /// LightGBM's FindBestThresholdSequentially (reverse scan, no missing values) for a leaf with gradient sum
  /// `sumGradient` over `count` rows: the best split "bin ≤ t" of model feature `feature`, or nil when no
  /// threshold satisfies the constraints and beats the leaf's own gain.
  func bestThreshold(feature: Int, sumGradient: Double, count: Int, parameters: BoostingParameters) -> SplitInfo? {
    let epsilon = SplitInfo.epsilon
    let lambda = parameters.regLambda
    let minCount = parameters.minChildSamples
    let minHessian = parameters.minSumHessianInLeaf
    let sumHessian = Double(count) + 2 * epsilon
    let gainShift = sumGradient * sumGradient / (sumHessian + lambda)
    var rightGradient = 0.0
    var rightHessian = epsilon
    var rightCount = 0
    var best: SplitInfo?
    var bestGain = -Double.infinity
    var t = gradients.count - 1
    while t >= 1 {
      defer { t -= 1 }
      rightGradient += gradients[t]
      rightHessian += Double(counts[t])
      rightCount += counts[t]
      if rightCount < minCount || rightHessian < minHessian { continue }
      let leftCount = count - rightCount
      if leftCount < minCount { break }
      let leftHessian = sumHessian - rightHessian
      if leftHessian < minHessian { break }
      let leftGradient = sumGradient - rightGradient
      let gain =
        leftGradient * leftGradient / (leftHessian + lambda) + rightGradient * rightGradient / (rightHessian + lambda)
      if gain <= gainShift { continue }
      if gain > bestGain {
        bestGain = gain
        best = SplitInfo(
          gain: gain - gainShift, feature: feature, thresholdBin: t - 1, leftGradient: leftGradient,
          leftHessian: leftHessian - epsilon, leftCount: leftCount, rightGradient: sumGradient - leftGradient,
          rightHessian: sumHessian - leftHessian - epsilon, rightCount: count - leftCount)
      }
    }
    return best
  }
}
