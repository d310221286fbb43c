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
/// The hot loops live here. For each tree every training row becomes a record of whole words: its gradient and
/// training position, then its sampled features packed three per byte (v₀ + 5·v₁ + 25·v₂). Records are kept in
/// leaf order, so each leaf is one contiguous range read sequentially; a split partitions that range stably and
/// branch-free. A histogram pass adds each record's (gradient, 1) to a 125-cell joint table per packed byte,
/// which is then summed into per-feature histograms by raw value 0…4 (merged into the feature's bins when
/// splits are searched). The larger child's histogram is the parent's minus the smaller child's.
final class TreeLearner {
  let features: ColumnMajorMatrix<Int8>
  let columns: [Int]
  let bins: [FeatureBins]
  let parameters: BoostingParameters
  let threads: Int
  let rowCount: Int
  /// Maximal runs of consecutive dataset rows among the training rows: (first position, first row, length).
  private let rowRuns: [(position: Int, row: Int, count: Int)]
  /// Two buffers of `rowCount` records of `recordWords` words in leaf order (a split moves a leaf's records
  /// from one buffer to the other; `bufferOfLeaf` says where each leaf's are). Word 0: the gradient's bits (low
  /// half) and the training position (high half); then `byteCount` packed bytes, zero-padded.
  private var buffers: [[UInt64]] = [[], []]
  private var bufferOfLeaf: [Int] = []
  /// Stands in for absent features when packing.
  private var zeroColumn: [UInt8] = []
  private var recordWords = 0
  private var byteCount = 0
  private var leafBegin: [Int] = []
  private var leafEnd: [Int] = []
  /// Per leaf slot: gradient sums and counts per (sampled feature, value).
  private var histogramGradients: [Double] = []
  private var histogramCounts: [Int32] = []
  private var sampled: [Int] = []

  static let epsilon = Double(Float(1e-15))
  /// Entries × bytes (or words) below which a pass runs on one thread: waking workers costs more.
  static let parallelWork = 262_144
  /// Cells of one packed byte's joint histogram (5³).
  static let cellsPerByte = 125

  init(
    features: ColumnMajorMatrix<Int8>, columns: [Int], bins: [FeatureBins], rows: [Int32], parameters: BoostingParameters,
    threads: Int
  ) {
    self.features = features
    self.columns = columns
    self.bins = bins
    self.parameters = parameters
    self.threads = max(1, threads)
    rowCount = rows.count
    var runs: [(position: Int, row: Int, count: Int)] = []
    for (k, r) in rows.enumerated() {
      if let last = runs.last, last.row + last.count == Int(r) {
        runs[runs.count - 1].count += 1
      } else {
        runs.append((k, Int(r), 1))
      }
    }
    rowRuns = runs
  }

  /// Grows a tree on `gradients` (by training position; hessians are 1) over the `sampled` model features.
  /// Returns the tree (outputs not yet shrunk) and, per leaf, the training positions it holds.
  func grow(gradients: [Float], sampled: [Int]) -> (Tree, [ArraySlice<Int32>]) {
    self.sampled = sampled
    let n = rowCount
    // Every tree starts from the training order: position k is training row k.
    packRecords(gradients: gradients)
    bufferOfLeaf = [0]
    let maxLeaves = parameters.numLeaves
    let width = sampled.count * 5
    histogramGradients = [Double](repeating: 0, count: maxLeaves * width)
    histogramCounts = [Int32](repeating: 0, count: maxLeaves * width)
    leafBegin = [0]
    leafEnd = [n]
    var tree = Tree()
    var sumGradient = 0.0
    for g in gradients { sumGradient += Double(g) }
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
      let middle = partition(
        begin, end, from: bufferOfLeaf[bestLeaf], sampledIndex: sampled.firstIndex(of: f)!, threshold: thresholdValue)
      precondition(middle - begin == split.leftCount, "partition agrees with the histogram")
      // As LightGBM: outputs from the sums that still carry the ε of the search.
      let leftOutput = -split.leftGradient / (split.leftHessian + Self.epsilon + lambda)
      let rightOutput = -split.rightGradient / (split.rightHessian + Self.epsilon + lambda)
      let newLeaf = tree.split(
        leaf: bestLeaf, feature: f, thresholdValue: thresholdValue, threshold: bins[f].upperBounds[split.thresholdBin],
        gain: split.gain, left: (leftOutput, split.leftHessian, split.leftCount),
        right: (rightOutput, split.rightHessian, split.rightCount))
      bufferOfLeaf[bestLeaf] = 1 - bufferOfLeaf[bestLeaf]
      bufferOfLeaf.append(bufferOfLeaf[bestLeaf])
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
    let words = recordWords
    let leaves = (0..<tree.leafCountTotal).map { leaf in
      buffers[bufferOfLeaf[leaf]].withUnsafeBufferPointer { records in
        (leafBegin[leaf]..<leafEnd[leaf]).map { Int32(truncatingIfNeeded: records[$0 * words] >> 32) }[...]
      }
    }
    return (tree, leaves)
  }

  // MARK: - Hot loops

  /// Fills the records in training order: gradient and position, then the sampled features three per byte
  /// (byte b holds sampled features 3b, 3b + 1 and 3b + 2 as v₀ + 5·v₁ + 25·v₂, absent ones as 0).
  private func packRecords(gradients: [Float]) {
    let n = rowCount
    byteCount = (sampled.count + 2) / 3
    // Whole SIMD vectors of words per record: 2, 4, 8, 16, then multiples of 8.
    let needed = 1 + (byteCount + 7) / 8
    recordWords = needed <= 2 ? 2 : needed <= 4 ? 4 : (needed + 7) / 8 * 8
    if buffers[0].count != n * recordWords {
      buffers = [[UInt64](repeating: 0, count: n * recordWords), [UInt64](repeating: 0, count: n * recordWords)]
    }
    let words = recordWords
    let dataWords = (byteCount + 7) / 8
    let chunks = min(threads, dataWords)
    let runs = rowRuns
    // Each data word's 24 feature columns; absent features read a column of zeros.
    let rowsInData = features.rowCount
    if zeroColumn.count < rowsInData { zeroColumn = [UInt8](repeating: 0, count: rowsInData) }
    nonisolated(unsafe) let columnStarts = zeroColumn.withUnsafeBufferPointer { zeros in
      let base = UnsafeRawPointer(features.withUnsafeElements { $0.baseAddress! }).assumingMemoryBound(to: UInt8.self)
      return (0..<(dataWords * 24)).map { i in i < sampled.count ? base + columns[sampled[i]] * rowsInData : zeros.baseAddress! }
    }
    buffers[0].withUnsafeMutableBufferPointer { records in
      gradients.withUnsafeBufferPointer { gradients in
        for k in 0..<n {
          records[k &* words] = UInt64(gradients[k].bitPattern) | UInt64(truncatingIfNeeded: k) << 32
        }
      }
      nonisolated(unsafe) let out = records.baseAddress!
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        // Rows go through in blocks: first the word's 8 bytes as 8 contiguous byte columns (vectorizable),
        // then interleaved into the records' words.
        let block = 4096
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 8 * block)
        defer { bytes.deallocate() }
        for w in (chunk * dataWords / chunks)..<((chunk + 1) * dataWords / chunks) {
          for run in runs {
            var start = 0
            while start < run.count {
              let count = min(block, run.count - start)
              for b in 0..<8 {
                let c0 = columnStarts[w * 24 + 3 * b] + run.row + start
                let c1 = columnStarts[w * 24 + 3 * b + 1] + run.row + start
                let c2 = columnStarts[w * 24 + 3 * b + 2] + run.row + start
                let column = bytes + b * block
                for j in 0..<count { column[j] = c0[j] &+ 5 &* c1[j] &+ 25 &* c2[j] }
              }
              let target = out + (run.position + start) * words + 1 + w
              for j in 0..<count {
                var word = UInt64(bytes[j])
                for b in 1..<8 { word |= UInt64(bytes[b &* block &+ j]) &<< (8 &* b) }
                target[j &* words] = word
              }
              start += count
            }
          }
        }
      }
    }
  }

  /// Gradient sums and counts per (sampled feature, value) over one leaf's records.
  private func buildHistogram(leaf: Int, slot: Int) {
    let width = sampled.count * 5
    let begin = leafBegin[leaf]
    let end = leafEnd[leaf]
    let byteCount = self.byteCount
    let stride = recordWords * 8
    let featureCount = sampled.count
    // Threads only pay off on large leaves.
    let chunks = (end - begin) * byteCount >= Self.parallelWork ? min(threads, byteCount) : 1
    histogramGradients.withUnsafeMutableBufferPointer { hg in
      histogramCounts.withUnsafeMutableBufferPointer { hc in
        buffers[bufferOfLeaf[leaf]].withUnsafeBytes { recordBytes in
          // Each worker owns a disjoint range of packed bytes (and so of features and histogram entries); every
          // sum is accumulated in the same order whatever the thread count, so results are identical.
          nonisolated(unsafe) let hg = hg
          nonisolated(unsafe) let hc = hc
          nonisolated(unsafe) let bytes = recordBytes.baseAddress!
          DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = chunk * byteCount / chunks
            let owned = (chunk + 1) * byteCount / chunks - lower
            // With few bytes per record, neighbouring records often hit the same cell: two table sets (even and
            // odd records) keep those additions from waiting on each other's stores. (Decided by the record, not
            // by the thread's share, so that any thread count sums in the same order.)
            let sets = byteCount <= 8 ? 2 : 1
            let cells = 128
            let table = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: sets * owned * cells)
            defer { table.deallocate() }
            table.initialize(repeating: .zero, count: sets * owned * cells)
            let second = table + (sets - 1) * owned * cells
            var k = begin
            while k &+ 2 <= end {
              let r0 = bytes + k &* stride
              let r1 = r0 + stride
              let one0 = SIMD2(Double(Float(bitPattern: r0.load(as: UInt32.self))), 1)
              let one1 = SIMD2(Double(Float(bitPattern: r1.load(as: UInt32.self))), 1)
              let p0 = r0.assumingMemoryBound(to: UInt8.self) + 8 + lower
              let p1 = r1.assumingMemoryBound(to: UInt8.self) + 8 + lower
              for b in 0..<owned { table[b &* cells &+ Int(p0[b])] += one0 }
              for b in 0..<owned { second[b &* cells &+ Int(p1[b])] += one1 }
              k &+= 2
            }
            if k < end {
              let r0 = bytes + k * stride
              let one0 = SIMD2(Double(Float(bitPattern: r0.load(as: UInt32.self))), 1)
              let p0 = r0.assumingMemoryBound(to: UInt8.self) + 8 + lower
              for b in 0..<owned { table[b * cells + Int(p0[b])] += one0 }
            }
            // Joint tables → each byte's (up to) three features' histograms by value.
            for b in 0..<owned {
              var sums = (0..<15).map { _ in SIMD2<Double>.zero }
              for c in 0..<Self.cellsPerByte {
                let v = sets == 2 ? table[b * cells + c] + second[b * cells + c] : table[b * cells + c]
                sums[c % 5] += v
                sums[5 + (c / 5) % 5] += v
                sums[10 + c / 25] += v
              }
              let byte = lower + b
              for d in 0..<min(3, featureCount - 3 * byte) {
                let o = slot * width + (3 * byte + d) * 5
                for v in 0..<5 {
                  hg[o + v] = sums[d * 5 + v].x
                  hc[o + v] = Int32(sums[d * 5 + v].y)
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

  /// Stable partition of a leaf's records begin..<end, moved from buffer `from` to the other one: value of
  /// sampled feature `sampledIndex` ≤ threshold first. Returns the first right record. Large ranges are split
  /// among the threads: each counts its left records, then moves every record straight to its final place.
  private func partition(_ begin: Int, _ end: Int, from: Int, sampledIndex: Int, threshold: Int8) -> Int {
    let divisor = [1, 5, 25][sampledIndex % 3]
    let goesLeft = (0..<256).map { UInt8(($0 / divisor) % 5 <= Int(threshold) ? 1 : 0) }
    let words = recordWords
    let byteOffset = 8 + sampledIndex / 3
    let chunks = (end - begin) * recordWords >= Self.parallelWork ? threads : 1
    var leftCounts = [Int](repeating: 0, count: chunks)
    var source = buffers[from]
    buffers[from] = []
    defer { buffers[from] = source }
    source.withUnsafeBufferPointer { source in
      buffers[1 - from].withUnsafeMutableBufferPointer { destination in
        goesLeft.withUnsafeBufferPointer { goesLeft in
          leftCounts.withUnsafeMutableBufferPointer { leftCounts in
            nonisolated(unsafe) let source = source.baseAddress!
            nonisolated(unsafe) let destination = destination.baseAddress!
            nonisolated(unsafe) let goesLeft = goesLeft.baseAddress!
            nonisolated(unsafe) let leftCounts = leftCounts
            nonisolated(unsafe) let flags = UnsafeRawPointer(source).assumingMemoryBound(to: UInt8.self) + byteOffset
            @Sendable func bounds(_ chunk: Int) -> Range<Int> {
              (begin + chunk * (end - begin) / chunks)..<(begin + (chunk + 1) * (end - begin) / chunks)
            }
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
              var count = 0
              let stride = words &* 8
              for k in bounds(chunk) { count &+= Int(goesLeft[Int(flags[k &* stride])]) }
              leftCounts[chunk] = count
            }
            let totalLeft = leftCounts.reduce(0, +)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
              let range = bounds(chunk)
              let left = begin + leftCounts[..<chunk].reduce(0, +)
              let right = begin + totalLeft + (range.lowerBound - begin) - (left - begin)
              let flags = (flags: flags, goesLeft: goesLeft)
              switch words {
              case 2:
                Self.move(SIMD2<UInt64>.self, source, destination, range, flags, left, right)
              case 4:
                Self.move(SIMD4<UInt64>.self, source, destination, range, flags, left, right)
              case 8:
                Self.move(SIMD8<UInt64>.self, source, destination, range, flags, left, right)
              default:
                let vectors = words / 8
                Self.move(SIMD8<UInt64>.self, source, destination, range, flags, left, right, vectorsPerRecord: vectors)
              }
            }
            leftCounts[0] = totalLeft
          }
        }
      }
    }
    return begin + leftCounts[0]
  }

  /// Moves records `range` of `source` (each `vectorsPerRecord` vectors of type V) to `destination`: those whose
  /// flag byte maps to 1 in `goesLeft` from index `left` on, the others from `right` on, each in order.
  /// Branch-free: the target index is selected arithmetically.
  @inline(__always)
  private static func move<V: SIMD>(
    _: V.Type, _ source: UnsafePointer<UInt64>, _ destination: UnsafeMutablePointer<UInt64>, _ range: Range<Int>,
    _ flags: (flags: UnsafePointer<UInt8>, goesLeft: UnsafePointer<UInt8>), _ left: Int, _ right: Int,
    vectorsPerRecord: Int = 1
  ) {
    let from = UnsafeRawPointer(source).assumingMemoryBound(to: V.self)
    let to = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: V.self)
    let stride = MemoryLayout<V>.stride &* vectorsPerRecord
    var left = left
    var right = right
    for k in range {
      let isLeft = Int(flags.goesLeft[Int(flags.flags[k &* stride])])
      let target = right &+ (left &- right) &* isLeft
      for v in 0..<vectorsPerRecord {
        to[target &* vectorsPerRecord &+ v] = from[k &* vectorsPerRecord &+ v]
      }
      left &+= isLeft
      right &+= 1 &- isLeft
    }
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
