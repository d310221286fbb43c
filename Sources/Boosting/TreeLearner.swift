import Foundation
import NumeraiData

/// The best split found for one leaf.
struct SplitCandidate {
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

  /// LightGBM's SplitInfo ordering: larger gain, then smaller feature index.
  func isBetter(than other: SplitCandidate) -> Bool {
    gain != other.gain ? gain > other.gain : feature < other.feature
  }
}

/// Grows one tree leaf-wise from gradient histograms, as LightGBM's serial tree learner does.
///
/// The hot loops live here: histogram building (per feature, over a leaf's rows, which are kept contiguous
/// in `rowsInOrder` together with their gradients) and the stable partition of a leaf after a split.
/// Histograms are kept per raw value 0…4 and merged into the feature's bins when splits are searched;
/// the larger child's histogram is the parent's minus the smaller child's.
final class TreeLearner {
  let features: ColumnMajorMatrix<Int8>
  let columns: [Int]
  let bins: [FeatureBins]
  let parameters: BoostingParameters
  let threads: Int
  let rowCount: Int
  /// Dataset rows, gradients and training positions, permuted so each leaf's entries are contiguous.
  private var rowsInOrder: [Int32]
  private var gradientsInOrder: [Float]
  private var positionsInOrder: [Int32]
  private var scratchRows: [Int32]
  private var scratchGradients: [Float]
  private var scratchPositions: [Int32]
  private var leafBegin: [Int] = []
  private var leafEnd: [Int] = []
  /// Per leaf slot: gradient sums and counts per (sampled feature, value).
  private var histogramGradients: [Double] = []
  private var histogramCounts: [Int32] = []
  private var sampled: [Int] = []

  static let epsilon = Double(Float(1e-15))

  init(
    features: ColumnMajorMatrix<Int8>, columns: [Int], bins: [FeatureBins], rows: [Int32], parameters: BoostingParameters,
    threads: Int
  ) {
    trainingRows = rows
    self.features = features
    self.columns = columns
    self.bins = bins
    self.parameters = parameters
    self.threads = max(1, threads)
    rowCount = rows.count
    rowsInOrder = rows
    gradientsInOrder = [Float](repeating: 0, count: rows.count)
    positionsInOrder = (0..<Int32(rows.count)).map { $0 }
    scratchRows = rowsInOrder
    scratchGradients = gradientsInOrder
    scratchPositions = positionsInOrder
  }

  /// Grows a tree on `gradients` (by training position; hessians are 1) over the `sampled` model features.
  /// Returns the tree (outputs not yet shrunk) and, per leaf, the training positions it holds.
  func grow(gradients: [Float], sampled: [Int]) -> (Tree, [ArraySlice<Int32>]) {
    self.sampled = sampled
    let n = rowCount
    // Every tree starts from the training order: position k is training row k.
    rowsInOrder = trainingRows
    gradientsInOrder = gradients
    for k in 0..<n { positionsInOrder[k] = Int32(k) }
    let maxLeaves = parameters.numLeaves
    let width = sampled.count * 5
    histogramGradients = [Double](repeating: 0, count: maxLeaves * width)
    histogramCounts = [Int32](repeating: 0, count: maxLeaves * width)
    leafBegin = [0]
    leafEnd = [n]
    var tree = Tree()
    var sumGradient = 0.0
    for g in gradientsInOrder { sumGradient += Double(g) }
    let lambda = parameters.regLambda
    tree.leafValue[0] = -sumGradient / (Double(n) + lambda)
    tree.leafWeight[0] = Double(n)
    tree.leafCount[0] = n
    var leafGradient = [sumGradient]
    var best: [SplitCandidate] = [SplitCandidate()]
    // LightGBM skips, in a leaf's children, every feature that could not split the leaf itself (no
    // threshold beat the leaf's gain): a feature stays usable only while it stays splittable.
    var splittable = [[Bool](repeating: true, count: sampled.count)]
    buildHistogram(leaf: 0, slot: 0)
    best[0] = findBestSplit(slot: 0, sumGradient: sumGradient, count: n, depth: 0, splittable: &splittable[0])
    var slotOfLeaf = [0]
    for _ in 0..<(maxLeaves - 1) {
      var bestLeaf = 0
      for l in 1..<best.count where best[l].isBetter(than: best[bestLeaf]) { bestLeaf = l }
      let split = best[bestLeaf]
      guard split.gain > 0 else { break }
      // Partition the leaf's entries: value ≤ threshold first, in order.
      let f = split.feature
      let thresholdValue = bins[f].lastValue[split.thresholdBin]
      let begin = leafBegin[bestLeaf]
      let end = leafEnd[bestLeaf]
      let middle = partition(begin, end, column: columns[f], threshold: thresholdValue)
      precondition(middle - begin == split.leftCount, "partition agrees with the histogram")
      // As LightGBM: outputs from the sums that still carry the ε of the search.
      let leftOutput = -split.leftGradient / (split.leftHessian + Self.epsilon + lambda)
      let rightOutput = -split.rightGradient / (split.rightHessian + Self.epsilon + lambda)
      let newLeaf = tree.split(
        leaf: bestLeaf, feature: f, thresholdValue: thresholdValue, threshold: bins[f].upperBounds[split.thresholdBin],
        gain: split.gain, left: (leftOutput, split.leftHessian, split.leftCount),
        right: (rightOutput, split.rightHessian, split.rightCount))
      leafBegin[bestLeaf] = begin
      leafEnd[bestLeaf] = middle
      leafBegin.append(middle)
      leafEnd.append(end)
      leafGradient[bestLeaf] = split.leftGradient
      leafGradient.append(split.rightGradient)
      // Histograms: build the smaller child, subtract for the larger (which takes over the parent's slot).
      let parentSlot = slotOfLeaf[bestLeaf]
      let freeSlot = newLeaf
      let leftIsSmaller = split.leftCount <= split.rightCount
      let smallLeaf = leftIsSmaller ? bestLeaf : newLeaf
      let largeLeaf = leftIsSmaller ? newLeaf : bestLeaf
      buildHistogram(leaf: smallLeaf, slot: freeSlot)
      subtract(parent: parentSlot, child: freeSlot)
      slotOfLeaf[bestLeaf] = smallLeaf == bestLeaf ? freeSlot : parentSlot
      slotOfLeaf.append(largeLeaf == newLeaf ? parentSlot : freeSlot)
      best[bestLeaf] = SplitCandidate()
      best.append(SplitCandidate())
      splittable.append(splittable[bestLeaf])
      // LightGBM does not search leaves that are too deep, or pairs of leaves both under 2 × min_data_in_leaf.
      let tooSmall =
        split.leftCount < 2 * parameters.minChildSamples && split.rightCount < 2 * parameters.minChildSamples
      if !tooSmall {
        for leaf in [bestLeaf, newLeaf] {
          best[leaf] = findBestSplit(
            slot: slotOfLeaf[leaf], sumGradient: leafGradient[leaf], count: leafEnd[leaf] - leafBegin[leaf],
            depth: tree.leafDepth[leaf], splittable: &splittable[leaf])
        }
      }
    }
    let leaves = (0..<tree.leafCountTotal).map { positionsInOrder[leafBegin[$0]..<leafEnd[$0]] }
    return (tree, leaves)
  }

  /// The dataset row of each training position.
  let trainingRows: [Int32]

  // MARK: - Hot loops

  /// Gradient sums and counts per (sampled feature, value) over one leaf's entries.
  private func buildHistogram(leaf: Int, slot: Int) {
    let width = sampled.count * 5
    let begin = leafBegin[leaf]
    let end = leafEnd[leaf]
    let chunks = min(threads, max(1, sampled.count))
    histogramGradients.withUnsafeMutableBufferPointer { hg in
      histogramCounts.withUnsafeMutableBufferPointer { hc in
        rowsInOrder.withUnsafeBufferPointer { rows in
          gradientsInOrder.withUnsafeBufferPointer { grads in
            // Each worker owns a disjoint range of features (and so of histogram entries).
            nonisolated(unsafe) let hg = hg
            nonisolated(unsafe) let hc = hc
            nonisolated(unsafe) let rows = rows
            nonisolated(unsafe) let grads = grads
            nonisolated(unsafe) let base = features.baseAddress
            let n = features.rowCount
            let sampled = self.sampled
            let columns = self.columns
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
              let lower = chunk * sampled.count / chunks
              let upper = (chunk + 1) * sampled.count / chunks
              for s in lower..<upper {
                let column = base + columns[sampled[s]] * n
                var g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, g4 = 0.0
                var c0: Int32 = 0, c1: Int32 = 0, c2: Int32 = 0, c3: Int32 = 0, c4: Int32 = 0
                for k in begin..<end {
                  let g = Double(grads[k])
                  switch column[Int(rows[k])] {
                  case 0: g0 += g; c0 += 1
                  case 1: g1 += g; c1 += 1
                  case 2: g2 += g; c2 += 1
                  case 3: g3 += g; c3 += 1
                  default: g4 += g; c4 += 1
                  }
                }
                let o = slot * width + s * 5
                (hg[o], hg[o + 1], hg[o + 2], hg[o + 3], hg[o + 4]) = (g0, g1, g2, g3, g4)
                (hc[o], hc[o + 1], hc[o + 2], hc[o + 3], hc[o + 4]) = (c0, c1, c2, c3, c4)
              }
            }
          }
        }
      }
    }
  }

  /// parent slot ← parent − child (the larger sibling's histogram).
  private func subtract(parent: Int, child: Int) {
    let width = sampled.count * 5
    histogramGradients.withUnsafeMutableBufferPointer { hg in
      histogramCounts.withUnsafeMutableBufferPointer { hc in
        for i in 0..<width {
          hg[parent * width + i] -= hg[child * width + i]
          hc[parent * width + i] -= hc[child * width + i]
        }
      }
    }
  }

  /// Stable partition of entries begin..<end: value ≤ threshold first. Returns the first right entry.
  private func partition(_ begin: Int, _ end: Int, column: Int, threshold: Int8) -> Int {
    let values = features.baseAddress + column * features.rowCount
    var left = begin
    var right = 0
    rowsInOrder.withUnsafeMutableBufferPointer { rows in
      gradientsInOrder.withUnsafeMutableBufferPointer { grads in
        positionsInOrder.withUnsafeMutableBufferPointer { positions in
          scratchRows.withUnsafeMutableBufferPointer { sr in
            scratchGradients.withUnsafeMutableBufferPointer { sg in
              scratchPositions.withUnsafeMutableBufferPointer { sp in
                for k in begin..<end {
                  if values[Int(rows[k])] <= threshold {
                    rows[left] = rows[k]
                    grads[left] = grads[k]
                    positions[left] = positions[k]
                    left += 1
                  } else {
                    sr[right] = rows[k]
                    sg[right] = grads[k]
                    sp[right] = positions[k]
                    right += 1
                  }
                }
                for k in 0..<right {
                  rows[left + k] = sr[k]
                  grads[left + k] = sg[k]
                  positions[left + k] = sp[k]
                }
              }
            }
          }
        }
      }
    }
    return left
  }

  // MARK: - Split search

  /// LightGBM's FindBestThresholdSequentially (reverse scan, no missing values) over every sampled feature.
  private func findBestSplit(
    slot: Int, sumGradient: Double, count: Int, depth: Int, splittable: inout [Bool]
  ) -> SplitCandidate {
    var best = SplitCandidate()
    if parameters.maxDepth > 0 && depth >= parameters.maxDepth { return best }
    let lambda = parameters.regLambda
    let minCount = parameters.minChildSamples
    let minHessian = parameters.minSumHessianInLeaf
    let sumHessian = Double(count) + 2 * Self.epsilon
    let gainShift = sumGradient * sumGradient / (sumHessian + lambda)
    let width = sampled.count * 5
    for (s, f) in sampled.enumerated() where splittable[s] {
      splittable[s] = false
      let featureBins = bins[f]
      let binCount = featureBins.count
      guard binCount > 1 else { continue }
      var binGradient = [Double](repeating: 0, count: binCount)
      var binCountRows = [Int](repeating: 0, count: binCount)
      let o = slot * width + s * 5
      for v in 0..<5 {
        let b = Int(featureBins.binOfValue[v])
        binGradient[b] += histogramGradients[o + v]
        binCountRows[b] += Int(histogramCounts[o + v])
      }
      var rightGradient = 0.0
      var rightHessian = Self.epsilon
      var rightCount = 0
      var bestGain = -Double.infinity
      var candidate = SplitCandidate()
      var t = binCount - 1
      while t >= 1 {
        defer { t -= 1 }
        rightGradient += binGradient[t]
        rightHessian += Double(binCountRows[t])
        rightCount += binCountRows[t]
        if rightCount < minCount || rightHessian < minHessian { continue }
        let leftCount = count - rightCount
        if leftCount < minCount { break }
        let leftHessian = sumHessian - rightHessian
        if leftHessian < minHessian { break }
        let leftGradient = sumGradient - rightGradient
        let gain =
          leftGradient * leftGradient / (leftHessian + lambda) + rightGradient * rightGradient / (rightHessian + lambda)
        if gain <= gainShift { continue }
        splittable[s] = true
        if gain > bestGain {
          bestGain = gain
          candidate = SplitCandidate(
            gain: gain - gainShift, feature: f, thresholdBin: t - 1, leftGradient: leftGradient,
            leftHessian: leftHessian - Self.epsilon, leftCount: leftCount, rightGradient: sumGradient - leftGradient,
            rightHessian: sumHessian - leftHessian - Self.epsilon, rightCount: count - leftCount)
        }
      }
      if bestGain > -Double.infinity, candidate.isBetter(than: best) { best = candidate }
    }
    return best
  }
}
