import Foundation
import NumeraiData

/// The training rows of one tree as records in leaf order (LightGBM's DataPartition): each leaf is one
/// contiguous range of records, and splitting a leaf partitions its range stably into the two children.
///
/// A record is whole 64-bit words: word 0 holds the row's gradient bits (low half) and training position (high
/// half); then come the sampled features packed three per byte (byte b holds sampled features 3b, 3b + 1 and
/// 3b + 2 as v₀ + 5·v₁ + 25·v₂, absent ones as 0), zero-padded to a whole number of SIMD vectors. Records live
/// in two buffers: a split moves the leaf's records from one buffer to the other, branch-free, so a histogram
/// pass over a leaf reads one contiguous range.
final class DataPartition {
  /// Training rows.
  let rowCount: Int
  /// Where the rows are read: the training blocks' matrices, and per block its middle columns and maximal runs of
  /// consecutive matrix rows, (first position, first row, length).
  private let matrices: [ColumnMajorMatrix<Int8>]
  private let sources: [(matrix: Int, isMiddle: [Bool], runs: [(position: Int, row: Int, count: Int)])]
  /// Two buffers of `rowCount` records of `recordWords` words; `bufferOfLeaf` says where each leaf's are.
  private var buffers: [[UInt64]] = [[], []]
  private var bufferOfLeaf: [Int] = []
  private var leafBegin: [Int] = []
  private var leafEnd: [Int] = []
  /// Stand in for absent features (0) and middle columns (2) when packing.
  private var zeroColumn: [UInt8] = []
  private var middleColumn: [UInt8] = []
  /// Words per record (2, 4, 8, 16, then multiples of 8).
  private(set) var recordWords = 0
  /// Packed feature bytes per record.
  private(set) var byteCount = 0
  let threads: Int

  /// Records × words (or × bytes, for histograms) below which a pass runs on one thread: waking workers costs more.
  static let parallelWork = 262_144

  /// A partition of the rows of `blocks`, in order: training position k is the k-th row of the blocks.
  init(blocks: [TrainingRows.Block], threads: Int) {
    self.threads = max(1, threads)
    var matrices: [ColumnMajorMatrix<Int8>] = []
    var sources: [(matrix: Int, isMiddle: [Bool], runs: [(position: Int, row: Int, count: Int)])] = []
    var position = 0
    for block in blocks {
      let matrix = matrices.firstIndex { $0 === block.features } ?? matrices.count
      if matrix == matrices.count { matrices.append(block.features) }
      var isMiddle = [Bool](repeating: false, count: block.features.columnCount)
      for j in block.middleColumns { isMiddle[j] = true }
      sources.append((matrix, isMiddle, Self.runs(of: block.rows, from: position)))
      position += block.rows.count
    }
    rowCount = position
    self.matrices = matrices
    self.sources = sources
  }

  /// Maximal runs of consecutive rows in `rows`, the first at training position `first`.
  private static func runs(of rows: [Int], from first: Int) -> [(position: Int, row: Int, count: Int)] {
    var runs: [(position: Int, row: Int, count: Int)] = []
    for (k, r) in rows.enumerated() {
      if let last = runs.last, last.row + last.count == r {
        runs[runs.count - 1].count += 1
      } else {
        runs.append((first + k, r, 1))
      }
    }
    return runs
  }

  /// Leaves so far.
  var leafCount: Int { leafBegin.count }

  /// Rows in `leaf`.
  func count(of leaf: Int) -> Int { leafEnd[leaf] - leafBegin[leaf] }

  /// The training positions of each leaf's rows, in record order.
  func positionsByLeaf() -> [ArraySlice<Int32>] {
    let words = recordWords
    return (0..<leafCount).map { leaf in
      buffers[bufferOfLeaf[leaf]].withUnsafeBufferPointer { records in
        (leafBegin[leaf]..<leafEnd[leaf]).map { Int32(truncatingIfNeeded: records[$0 * words] >> 32) }[...]
      }
    }
  }

  /// Lends `body` the records of `leaf`: the first record's bytes, the record count and the record stride in bytes.
  func withRecords<R>(of leaf: Int, _ body: (UnsafeRawPointer, Int, Int) -> R) -> R {
    let begin = leafBegin[leaf]
    let count = leafEnd[leaf] - begin
    let stride = recordWords * 8
    return buffers[bufferOfLeaf[leaf]].withUnsafeBytes { bytes in
      body(bytes.baseAddress! + begin * stride, count, stride)
    }
  }

  // MARK: - Packing

  /// Starts a tree: one leaf holding every training row in training order, with `gradients` (by training
  /// position) and the `sampled` features (model feature indices, read from column `columns[f]` of each block).
  func reset(gradients: [Float], columns: [Int], sampled: [Int]) {
    layRecords(featureCount: sampled.count)
    let words = recordWords
    buffers[0].withUnsafeMutableBufferPointer { records in
      gradients.withUnsafeBufferPointer { gradients in
        for k in 0..<rowCount {
          records[k &* words] = UInt64(gradients[k].bitPattern) | UInt64(truncatingIfNeeded: k) << 32
        }
      }
    }
    let longest = matrices.map(\.rowCount).max() ?? 0
    if zeroColumn.count < longest {
      zeroColumn = [UInt8](repeating: 0, count: longest)
      middleColumn = [UInt8](repeating: 2, count: longest)
    }
    // The one read of the feature matrices' storage: per block, each data word's 24 feature columns; absent
    // features read a column of zeros, a block's middle columns a column of twos.
    let slots = (byteCount + 7) / 8 * 24
    withBases { bases in
      zeroColumn.withUnsafeBufferPointer { zeros in
        middleColumn.withUnsafeBufferPointer { twos in
          packFeatures(sources.map { source in
            let rowsInData = matrices[source.matrix].rowCount
            let starts = (0..<slots).map { i -> UnsafePointer<UInt8> in
              guard i < sampled.count else { return zeros.baseAddress! }
              let column = columns[sampled[i]]
              return source.isMiddle[column] ? twos.baseAddress! : bases[source.matrix] + column * rowsInData
            }
            return (starts, source.runs)
          })
        }
      }
    }
    bufferOfLeaf = [0]
    leafBegin = [0]
    leafEnd = [rowCount]
  }

  /// Lends `body` the first byte of each matrix's storage.
  private func withBases<R>(_ body: ([UnsafePointer<UInt8>]) -> R) -> R {
    func borrow(_ i: Int, _ bases: [UnsafePointer<UInt8>]) -> R {
      guard i < matrices.count else { return body(bases) }
      return matrices[i].withUnsafeElements { elements in
        borrow(i + 1, bases + [UnsafeRawPointer(elements.baseAddress!).assumingMemoryBound(to: UInt8.self)])
      }
    }
    return borrow(0, [])
  }

  /// Sizes the records for `featureCount` packed features and allocates the buffers when that size changed.
  private func layRecords(featureCount: Int) {
    byteCount = (featureCount + 2) / 3
    // Whole SIMD vectors of words per record: 2, 4, 8, 16, then multiples of 8.
    let needed = 1 + (byteCount + 7) / 8
    recordWords = needed <= 2 ? 2 : needed <= 4 ? 4 : (needed + 7) / 8 * 8
    if buffers[0].count != rowCount * recordWords {
      let zeros = [UInt64](repeating: 0, count: rowCount * recordWords)
      buffers = [zeros, zeros]
    }
  }

  /// Hot loop: writes the packed feature words of every record of buffer 0, reading three feature columns per
  /// byte: per source, its 24 column starts per data word and its row runs. Workers own disjoint data words.
  private func packFeatures(_ sources: [(columnStarts: [UnsafePointer<UInt8>], runs: [(position: Int, row: Int, count: Int)])]) {
    let words = recordWords
    let dataWords = (byteCount + 7) / 8
    let chunks = min(threads, dataWords)
    nonisolated(unsafe) let sources = sources
    buffers[0].withUnsafeMutableBufferPointer { records in
      nonisolated(unsafe) let out = records.baseAddress!
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        // Rows go through in blocks: first the word's 8 bytes as 8 contiguous byte columns (vectorizable),
        // then interleaved into the records' words.
        let block = 4096
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 8 * block)
        defer { bytes.deallocate() }
        for w in (chunk * dataWords / chunks)..<((chunk + 1) * dataWords / chunks) {
          for (columnStarts, runs) in sources {
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
  }

  // MARK: - Splitting

  /// Splits `leaf`: its records with sampled feature `sampledIndex` ≤ `threshold` stay in `leaf`, the others
  /// form the new leaf `leafCount` (returned), each side in its previous order.
  func split(_ leaf: Int, sampledIndex: Int, threshold: Int8) -> Int {
    let begin = leafBegin[leaf]
    let end = leafEnd[leaf]
    let from = bufferOfLeaf[leaf]
    let middle = partition(begin..<end, from: from, sampledIndex: sampledIndex, threshold: threshold)
    bufferOfLeaf[leaf] = 1 - from
    bufferOfLeaf.append(1 - from)
    leafEnd[leaf] = middle
    leafBegin.append(middle)
    leafEnd.append(end)
    return leafCount - 1
  }

  /// Hot loop: stable partition of records `range`, moved from buffer `from` to the other one: value of sampled
  /// feature `sampledIndex` ≤ threshold first. Returns the first right record. Large ranges are split among the
  /// threads: each counts its left records, then moves every record straight to its final place.
  private func partition(_ range: Range<Int>, from: Int, sampledIndex: Int, threshold: Int8) -> Int {
    let divisor = [1, 5, 25][sampledIndex % 3]
    let goesLeft = (0..<256).map { UInt8(($0 / divisor) % 5 <= Int(threshold) ? 1 : 0) }
    let words = recordWords
    let chunks = range.count * words >= Self.parallelWork ? threads : 1
    var leftCounts = [Int](repeating: 0, count: chunks)
    let source = buffers[from]
    buffers[from] = []
    defer { buffers[from] = source }
    source.withUnsafeBufferPointer { source in
      buffers[1 - from].withUnsafeMutableBufferPointer { destination in
        goesLeft.withUnsafeBufferPointer { goesLeft in
          leftCounts.withUnsafeMutableBufferPointer { leftCounts in
            let mover = RecordMover(
              source: source.baseAddress!, destination: destination.baseAddress!, goesLeft: goesLeft.baseAddress!,
              flagByte: 8 + sampledIndex / 3, words: words)
            nonisolated(unsafe) let leftCounts = leftCounts
            @Sendable func bounds(_ chunk: Int) -> Range<Int> {
              let n = range.count
              return (range.lowerBound + chunk * n / chunks)..<(range.lowerBound + (chunk + 1) * n / chunks)
            }
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
              leftCounts[chunk] = mover.countLeft(bounds(chunk))
            }
            let totalLeft = leftCounts.reduce(0, +)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
              let part = bounds(chunk)
              let left = range.lowerBound + leftCounts[..<chunk].reduce(0, +)
              let right = range.lowerBound + totalLeft + (part.lowerBound - left)
              mover.move(part, left: left, right: right)
            }
            leftCounts[0] = totalLeft
          }
        }
      }
    }
    return range.lowerBound + leftCounts[0]
  }
}

/// The pointers of one partition pass, shared by its workers: they read disjoint source ranges and write
/// disjoint destination ranges (each worker's left and right targets follow from the counts before it).
private struct RecordMover: @unchecked Sendable {
  let source: UnsafePointer<UInt64>
  let destination: UnsafeMutablePointer<UInt64>
  /// 1 for the packed byte values whose feature goes left.
  let goesLeft: UnsafePointer<UInt8>
  /// Byte offset, within a record, of the split feature's packed byte.
  let flagByte: Int
  let words: Int

  private func isLeft(_ k: Int) -> Int {
    let flags = UnsafeRawPointer(source).assumingMemoryBound(to: UInt8.self) + flagByte
    return Int(goesLeft[Int(flags[k &* (words &* 8)])])
  }

  /// Records of `range` that go left.
  func countLeft(_ range: Range<Int>) -> Int {
    var count = 0
    for k in range { count &+= isLeft(k) }
    return count
  }

  /// Moves records `range`: left ones to `left`, `left` + 1, …, the others to `right`, `right` + 1, ….
  func move(_ range: Range<Int>, left: Int, right: Int) {
    switch words {
    case 2: move(SIMD2<UInt64>.self, range, left, right)
    case 4: move(SIMD4<UInt64>.self, range, left, right)
    case 8: move(SIMD8<UInt64>.self, range, left, right)
    default: move(SIMD8<UInt64>.self, range, left, right, vectorsPerRecord: words / 8)
    }
  }

  /// The move loop for records of `vectorsPerRecord` vectors of type V. Branch-free: the target index is
  /// selected arithmetically.
  @inline(__always)
  private func move<V: SIMD>(_: V.Type, _ range: Range<Int>, _ left: Int, _ right: Int, vectorsPerRecord: Int = 1) {
    let from = UnsafeRawPointer(source).assumingMemoryBound(to: V.self)
    let to = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: V.self)
    var left = left
    var right = right
    for k in range {
      let isLeft = isLeft(k)
      let target = right &+ (left &- right) &* isLeft
      for v in 0..<vectorsPerRecord {
        to[target &* vectorsPerRecord &+ v] = from[k &* vectorsPerRecord &+ v]
      }
      left &+= isLeft
      right &+= 1 &- isLeft
    }
  }
}
