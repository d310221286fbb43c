import NumeraiData

/// Grows one tree leaf-wise from gradient histograms, as LightGBM's serial tree learner does.
///
/// `grow` is LightGBM's Train: find the best splits of the newest leaves, take the leaf whose split gains most,
/// split it; until the tree has `num_leaves` leaves or no split gains. The rows live in a `DataPartition`
/// (records in leaf order), the histograms in `LeafHistograms` (the smaller child built, the larger by
/// subtraction), the splits in `SplitInfo`; the hot loops are in those two files.
final class TreeLearner {
  let columns: [Int]
  let bins: [FeatureBins]
  let parameters: BoostingParameters
  private let partition: DataPartition
  private let histograms: LeafHistograms

  // The tree being grown.
  private var sampled: [Int] = []
  private var leafGradient: [Double] = []
  private var bestSplitPerLeaf: [SplitInfo] = []
  /// Per leaf and sampled feature: whether the feature may still split. LightGBM skips, in a leaf's children,
  /// every feature that could not split the leaf itself (no threshold beat the leaf's gain).
  private var splittable: [[Bool]] = []

  /// A learner over the rows of `blocks`, in order (training position k is the k-th of their rows).
  init(blocks: [TrainingRows.Block], columns: [Int], bins: [FeatureBins], parameters: BoostingParameters, threads: Int) {
    self.columns = columns
    self.bins = bins
    self.parameters = parameters
    partition = DataPartition(blocks: blocks, threads: threads)
    histograms = LeafHistograms(threads: threads)
  }

  /// Grows a tree on `gradients` (by training position; hessians are 1) over the `sampled` model features.
  /// Returns the tree (outputs not yet shrunk) and, per leaf, the training positions it holds.
  func grow(gradients: [Float], sampled: [Int]) -> (Tree, [ArraySlice<Int32>]) {
    var tree = beforeTrain(gradients: gradients, sampled: sampled)
    var (left, right): (Int, Int?) = (0, nil)
    for _ in 0..<(parameters.numLeaves - 1) {
      if beforeFindBestSplit(tree, left, right) { findBestSplits(left, right) }
      let bestLeaf = bestSplitPerLeaf.bestLeaf()
      guard bestSplitPerLeaf[bestLeaf].gain > 0 else { break }
      (left, right) = split(&tree, bestLeaf)
    }
    return (tree, partition.positionsByLeaf())
  }

  // MARK: - Steps of grow

  /// Starts a tree: every row in the root leaf, whose output is −G/(n + λ); empty histograms.
  private func beforeTrain(gradients: [Float], sampled: [Int]) -> Tree {
    self.sampled = sampled
    partition.reset(gradients: gradients, columns: columns, sampled: sampled)
    histograms.reset(leaves: parameters.numLeaves, featureCount: sampled.count)
    var sumGradient = 0.0
    for g in gradients { sumGradient += Double(g) }
    let n = partition.rowCount
    leafGradient = [sumGradient]
    bestSplitPerLeaf = [SplitInfo()]
    splittable = [[Bool](repeating: true, count: sampled.count)]
    var tree = Tree()
    tree.leafValue[0] = -sumGradient / (Double(n) + parameters.regLambda)
    tree.leafWeight[0] = Double(n)
    tree.leafCount[0] = n
    return tree
  }

  /// LightGBM's BeforeFindBestSplit: whether the new leaves `left` and `right` (nil for the root) are worth
  /// searching. Not when they are at max_depth, nor when both hold fewer than 2 × min_data_in_leaf rows.
  private func beforeFindBestSplit(_ tree: Tree, _ left: Int, _ right: Int?) -> Bool {
    if parameters.maxDepth > 0 && tree.leafDepth[left] >= parameters.maxDepth { return false }
    guard let right else { return true }
    let minRows = 2 * parameters.minChildSamples
    return partition.count(of: left) >= minRows || partition.count(of: right) >= minRows
  }

  /// LightGBM's FindBestSplits: the histogram of the smaller new leaf is built from its rows, the larger's is
  /// its parent's minus the smaller's; then each new leaf's best split.
  private func findBestSplits(_ left: Int, _ right: Int?) {
    if let right {
      let leftIsSmaller = partition.count(of: left) <= partition.count(of: right)
      let (smaller, larger) = leftIsSmaller ? (left, right) : (right, left)
      histograms.assignSlots(parent: left, newLeaf: right, smaller: smaller)
      histograms.construct(leaf: smaller, from: partition)
      histograms.subtract(smaller, from: larger)
    } else {
      histograms.construct(leaf: left, from: partition)
    }
    bestSplitPerLeaf[left] = findBestSplit(left)
    if let right { bestSplitPerLeaf[right] = findBestSplit(right) }
  }

  /// The best split of `leaf` over its still-splittable sampled features (LightGBM's FindBestSplitsFromHistograms).
  private func findBestSplit(_ leaf: Int) -> SplitInfo {
    var best = SplitInfo()
    let count = partition.count(of: leaf)
    let sumGradient = leafGradient[leaf]
    var usable = splittable[leaf]
    for (s, f) in sampled.enumerated() where usable[s] {
      let featureBins = bins[f]
      guard featureBins.count > 1 else {
        usable[s] = false
        continue
      }
      let found = histograms.withValues(leaf: leaf, feature: s) { valueGradients, valueCounts in
        FeatureHistogram(valueGradients: valueGradients, valueCounts: valueCounts, bins: featureBins)
          .bestThreshold(feature: f, sumGradient: sumGradient, count: count, parameters: parameters)
      }
      usable[s] = found != nil
      if let found, found.isBetter(than: best) { best = found }
    }
    splittable[leaf] = usable
    return best
  }

  /// LightGBM's Split: partitions `leaf`'s rows by its best split and records the split in the tree. `leaf`
  /// becomes the left child; returns it and the new right leaf.
  private func split(_ tree: inout Tree, _ leaf: Int) -> (Int, Int?) {
    let info = bestSplitPerLeaf[leaf]
    let f = info.feature
    let thresholdValue = bins[f].lastValue[info.thresholdBin]
    let right = partition.split(leaf, sampledIndex: sampled.firstIndex(of: f)!, threshold: thresholdValue)
    precondition(partition.count(of: leaf) == info.leftCount, "partition agrees with the histogram")
    let lambda = parameters.regLambda
    let newLeaf = tree.split(
      leaf: leaf, feature: f, thresholdValue: thresholdValue, threshold: bins[f].upperBounds[info.thresholdBin],
      gain: info.gain, left: (info.leftOutput(lambda: lambda), info.leftHessian, info.leftCount),
      right: (info.rightOutput(lambda: lambda), info.rightHessian, info.rightCount))
    precondition(newLeaf == right, "the tree and the partition number leaves alike")
    leafGradient[leaf] = info.leftGradient
    leafGradient.append(info.rightGradient)
    bestSplitPerLeaf[leaf] = SplitInfo()
    bestSplitPerLeaf.append(SplitInfo())
    splittable.append(splittable[leaf])
    return (leaf, right)
  }
}
