/// The best split found for one leaf (LightGBM's SplitInfo): the feature and threshold bin, and the gradient
/// sums, hessian sums and row counts of the two children.
///
/// Hessian sums carry LightGBM's ε of the search removed; outputs add it back (see `leftOutput`).
struct SplitInfo {
  var gain = -Double.infinity
  /// Model feature index; Int.max when there is no split.
  var feature = Int.max
  var thresholdBin = 0
  var leftGradient = 0.0
  var leftHessian = 0.0
  var leftCount = 0
  var rightGradient = 0.0
  var rightHessian = 0.0
  var rightCount = 0

  /// LightGBM's kEpsilon (1e-15 as a float, widened), added to hessian sums in the split search.
  static let epsilon = Double(Float(1e-15))

  /// LightGBM's SplitInfo ordering: larger gain, then smaller feature index.
  func isBetter(than other: SplitInfo) -> Bool {
    gain != other.gain ? gain > other.gain : feature < other.feature
  }

  /// The left child's output −G/(H + ε + λ), as LightGBM computes it (from the sums of the search).
  func leftOutput(lambda: Double) -> Double { -leftGradient / (leftHessian + Self.epsilon + lambda) }

  /// The right child's output −G/(H + ε + λ).
  func rightOutput(lambda: Double) -> Double { -rightGradient / (rightHessian + Self.epsilon + lambda) }
}

extension Array where Element == SplitInfo {
  /// The leaf whose split is best (LightGBM's ArgMax over best_split_per_leaf_: the first on ties).
  func bestLeaf() -> Int {
    var best = 0
    for leaf in 1..<count where self[leaf].isBetter(than: self[best]) { best = leaf }
    return best
  }
}
