/// One regression tree in LightGBM's layout: internal nodes in the order they were split, leaves numbered
/// as LightGBM numbers them (a split keeps the leaf's number on the left and gives the right child the next
/// free number), children as node indices or ~leaf.
public struct Tree: Sendable, Codable, Equatable {
  /// Feature index (into the model's feature names) of each internal node.
  public var splitFeature: [Int32] = []
  /// Rows whose value is ≤ this go left.
  public var thresholdValue: [Int8] = []
  /// LightGBM's threshold (a bin upper bound), for model.txt.
  public var threshold: [Double] = []
  /// Gain of each split.
  public var splitGain: [Double] = []
  /// Left and right child: a node index, or ~leaf for a leaf.
  public var leftChild: [Int32] = []
  public var rightChild: [Int32] = []
  /// Value, sum of hessians and rows of each internal node before it was split.
  public var internalValue: [Double] = []
  public var internalWeight: [Double] = []
  public var internalCount: [Int] = []
  /// Output, sum of hessians and rows of each leaf.
  public var leafValue: [Double] = [0]
  public var leafWeight: [Double] = [0]
  public var leafCount: [Int] = [0]
  /// Parent node of each leaf (−1 for the root leaf).
  public var leafParent: [Int32] = [-1]
  /// Depth of each leaf (the root is 0).
  public var leafDepth: [Int] = [0]

  /// Number of leaves.
  public var leafCountTotal: Int { leafValue.count }

  /// Splits `leaf`: it stays the left child, the new leaf `leafCountTotal` is the right; returns the new leaf.
  mutating func split(
    leaf: Int, feature: Int, thresholdValue: Int8, threshold: Double, gain: Double, left: (Double, Double, Int),
    right: (Double, Double, Int)
  ) -> Int {
    let node = Int32(splitFeature.count)
    let newLeaf = leafValue.count
    let parent = Int(leafParent[leaf])
    if parent >= 0 {
      if leftChild[parent] == ~Int32(leaf) { leftChild[parent] = node } else { rightChild[parent] = node }
    }
    splitFeature.append(Int32(feature))
    self.thresholdValue.append(thresholdValue)
    self.threshold.append(threshold)
    splitGain.append(gain)
    leftChild.append(~Int32(leaf))
    rightChild.append(~Int32(newLeaf))
    internalValue.append(leafValue[leaf])
    internalWeight.append(leafWeight[leaf])
    internalCount.append(leafCount[leaf])
    leafParent[leaf] = node
    leafParent.append(node)
    leafValue[leaf] = left.0
    leafWeight[leaf] = left.1
    leafCount[leaf] = left.2
    leafValue.append(right.0)
    leafWeight.append(right.1)
    leafCount.append(right.2)
    leafDepth.append(leafDepth[leaf] + 1)
    leafDepth[leaf] += 1
    return newLeaf
  }

  /// Multiplies every output by `rate` (LightGBM's Shrinkage).
  mutating func shrink(_ rate: Double) {
    leafValue = leafValue.map { $0 * rate }
    internalValue = internalValue.map { $0 * rate }
  }

  /// Adds `bias` to every output (LightGBM's AddBias: the first tree carries the initial score).
  mutating func addBias(_ bias: Double) {
    leafValue = leafValue.map { $0 + bias }
    internalValue = internalValue.map { $0 + bias }
  }

  /// The leaf a row reaches, reading its values through `value(feature)`.
  @inlinable
  func leaf(_ value: (Int) -> Int8) -> Int {
    guard !splitFeature.isEmpty else { return 0 }
    var node: Int32 = 0
    while node >= 0 {
      let n = Int(node)
      node = value(Int(splitFeature[n])) <= thresholdValue[n] ? leftChild[n] : rightChild[n]
    }
    return Int(~node)
  }
}
