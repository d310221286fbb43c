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
              // Four interleaved partial histograms (by row position mod 4) so that consecutive rows with the
              // same value do not wait on each other's stores; indexing by value avoids unpredictable branches.
              let partialG = UnsafeMutablePointer<Double>.allocate(capacity: 32)
              let partialC = UnsafeMutablePointer<Int32>.allocate(capacity: 32)
              defer {
                partialG.deallocate()
                partialC.deallocate()
              }
              for s in lower..<upper {
                let column = base + columns[sampled[s]] * n
                partialG.initialize(repeating: 0, count: 32)
                partialC.initialize(repeating: 0, count: 32)
                var k = begin
                while k + 4 <= end {
                  let v0 = Int(column[Int(rows[k])])
                  let v1 = Int(column[Int(rows[k + 1])]) + 8
                  let v2 = Int(column[Int(rows[k + 2])]) + 16
                  let v3 = Int(column[Int(rows[k + 3])]) + 24
                  partialG[v0] += Double(grads[k])
                  partialG[v1] += Double(grads[k + 1])
                  partialG[v2] += Double(grads[k + 2])
                  partialG[v3] += Double(grads[k + 3])
                  partialC[v0] &+= 1
                  partialC[v1] &+= 1
                  partialC[v2] &+= 1
                  partialC[v3] &+= 1
                  k += 4
                }
                while k < end {
                  let v = Int(column[Int(rows[k])])
                  partialG[v] += Double(grads[k])
                  partialC[v] &+= 1
                  k += 1
                }
                let o = slot * width + s * 5
                for v in 0..<5 {
                  hg[o + v] = (partialG[v] + partialG[v + 8]) + (partialG[v + 16] + partialG[v + 24])
                  hc[o + v] = partialC[v] &+ partialC[v + 8] &+ partialC[v + 16] &+ partialC[v + 24]
                }
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
