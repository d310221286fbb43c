import Foundation

/// Gradient sums and row counts per (sampled feature, value 0…4) for the leaves of the tree being grown, one
/// slot per leaf (LightGBM's HistogramPool), and the best split of a leaf from its slot.
///
/// A leaf's histogram is built from its records with a 125-cell joint table per packed byte (each cell one
/// combination of the byte's three feature values), then summed into the three features' histograms by value.
/// After a split the larger child's histogram is the parent's minus the smaller child's (the subtraction
/// trick): the larger child takes over the parent's slot, the smaller gets the new leaf's.
final class LeafHistograms {
  /// Per slot: `width` gradient sums, then per slot `width` counts; entry `s * 5 + v` is sampled feature s, value v.
  private var gradients: [Double] = []
  private var counts: [Int32] = []
  private var slotOfLeaf: [Int] = []
  private(set) var featureCount = 0
  let threads: Int

  /// Cells of one packed byte's joint histogram (5³).
  static let cellsPerByte = 125

  init(threads: Int) { self.threads = max(1, threads) }

  /// Entries per slot.
  var width: Int { featureCount * 5 }

  /// Empties every slot, for a tree of up to `leaves` leaves over `featureCount` sampled features.
  func reset(leaves: Int, featureCount: Int) {
    self.featureCount = featureCount
    gradients = [Double](repeating: 0, count: leaves * width)
    counts = [Int32](repeating: 0, count: leaves * width)
    slotOfLeaf = [Int](repeating: 0, count: leaves)
  }

  /// After `parent` split into itself (left) and `newLeaf` (right): the larger child keeps the parent's slot,
  /// the smaller gets the slot numbered `newLeaf` (free: slots are only ever handed out by new leaves).
  func assignSlots(parent: Int, newLeaf: Int, smaller: Int) {
    let parentSlot = slotOfLeaf[parent]
    slotOfLeaf[parent] = smaller == parent ? newLeaf : parentSlot
    slotOfLeaf[newLeaf] = smaller == parent ? parentSlot : newLeaf
  }

  /// The histogram of `larger` ← its slot (still the parent's) − the histogram of its sibling `smaller`.
  func subtract(_ smaller: Int, from larger: Int) {
    let width = self.width
    let parent = slotOfLeaf[larger] * width
    let child = slotOfLeaf[smaller] * width
    gradients.withUnsafeMutableBufferPointer { hg in
      counts.withUnsafeMutableBufferPointer { hc in
        for i in 0..<width {
          hg[parent + i] -= hg[child + i]
          hc[parent + i] -= hc[child + i]
        }
      }
    }
  }

  /// The per-value sums of sampled feature `s` in `leaf`'s histogram.
  func withValues<R>(leaf: Int, feature s: Int, _ body: (UnsafePointer<Double>, UnsafePointer<Int32>) -> R) -> R {
    let o = slotOfLeaf[leaf] * width + s * 5
    return gradients.withUnsafeBufferPointer { hg in
      counts.withUnsafeBufferPointer { hc in body(hg.baseAddress! + o, hc.baseAddress! + o) }
    }
  }

  // MARK: - Building

  /// Builds `leaf`'s histogram from its records in `partition`.
  ///
  /// Each worker owns a disjoint range of packed bytes (and so of features and histogram entries); every sum is
  /// accumulated in the same order whatever the thread count, so results are identical.
  /// - Complexity: O(rows × packed bytes + packed bytes × 125).
  func construct(leaf: Int, from partition: DataPartition) {
    let byteCount = partition.byteCount
    let featureCount = self.featureCount
    let offset = slotOfLeaf[leaf] * width
    gradients.withUnsafeMutableBufferPointer { hg in
      counts.withUnsafeMutableBufferPointer { hc in
        partition.withRecords(of: leaf) { records, count, stride in
          let table = JointTables(records: records, count: count, stride: stride, byteCount: byteCount)
          let out = HistogramOutput(gradients: hg.baseAddress! + offset, counts: hc.baseAddress! + offset)
          // Threads only pay off on large leaves.
          let chunks = count * byteCount >= DataPartition.parallelWork ? min(threads, byteCount) : 1
          DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let bytes = (chunk * byteCount / chunks)..<((chunk + 1) * byteCount / chunks)
            table.build(bytes: bytes, featureCount: featureCount, into: out)
          }
        }
      }
    }
  }
}

/// Where a histogram pass writes one slot; workers write disjoint features' entries.
private struct HistogramOutput: @unchecked Sendable {
  let gradients: UnsafeMutablePointer<Double>
  let counts: UnsafeMutablePointer<Int32>
}

/// One leaf's records as read by a histogram pass (read-only, shared by the workers).
private struct JointTables: @unchecked Sendable {
  let records: UnsafeRawPointer
  let count: Int
  /// Bytes per record.
  let stride: Int
  /// Packed bytes per record.
  let byteCount: Int
  /// Table cells per byte (125 used, rounded up).
  static let cells = 128

  /// The histograms of the features in packed `bytes`: joint tables over the records, then per-feature sums.
  func build(bytes: Range<Int>, featureCount: Int, into out: HistogramOutput) {
    // With few bytes per record, neighbouring records often hit the same cell: two table sets (even and odd
    // records) keep those additions from waiting on each other's stores. (Decided by the record, not by the
    // thread's share, so that any thread count sums in the same order.)
    let sets = byteCount <= 8 ? 2 : 1
    let size = bytes.count * Self.cells
    let table = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: sets * size)
    defer { table.deallocate() }
    table.initialize(repeating: .zero, count: sets * size)
    let second = table + (sets - 1) * size
    accumulate(bytes: bytes, into: table, second)
    for b in 0..<bytes.count {
      fold(
        table + b * Self.cells, sets == 2 ? second + b * Self.cells : nil, byte: bytes.lowerBound + b,
        featureCount: featureCount, into: out)
    }
  }

  /// Hot loop: adds each record's (gradient, 1) to the cell of each of its packed `bytes`; even records into
  /// `first`, odd ones into `second` (which may be `first`).
  private func accumulate(
    bytes: Range<Int>, into first: UnsafeMutablePointer<SIMD2<Double>>,
    _ second: UnsafeMutablePointer<SIMD2<Double>>
  ) {
    let owned = bytes.count
    let lower = bytes.lowerBound
    let cells = Self.cells
    var k = 0
    while k &+ 2 <= count {
      let r0 = records + k &* stride
      let r1 = r0 + stride
      let one0 = SIMD2(Double(Float(bitPattern: r0.load(as: UInt32.self))), 1)
      let one1 = SIMD2(Double(Float(bitPattern: r1.load(as: UInt32.self))), 1)
      let p0 = r0.assumingMemoryBound(to: UInt8.self) + 8 + lower
      let p1 = r1.assumingMemoryBound(to: UInt8.self) + 8 + lower
      for b in 0..<owned { first[b &* cells &+ Int(p0[b])] += one0 }
      for b in 0..<owned { second[b &* cells &+ Int(p1[b])] += one1 }
      k &+= 2
    }
    if k < count {
      let r0 = records + k * stride
      let one0 = SIMD2(Double(Float(bitPattern: r0.load(as: UInt32.self))), 1)
      let p0 = r0.assumingMemoryBound(to: UInt8.self) + 8 + lower
      for b in 0..<owned { first[b * cells + Int(p0[b])] += one0 }
    }
  }

  /// Sums packed byte `byte`'s joint table (`first` plus `second` if any) into its (up to) three features'
  /// histograms by value.
  private func fold(
    _ first: UnsafePointer<SIMD2<Double>>, _ second: UnsafePointer<SIMD2<Double>>?, byte: Int,
    featureCount: Int, into out: HistogramOutput
  ) {
    var sums = (0..<15).map { _ in SIMD2<Double>.zero }
    for c in 0..<LeafHistograms.cellsPerByte {
      let v = second.map { first[c] + $0[c] } ?? first[c]
      sums[c % 5] += v
      sums[5 + (c / 5) % 5] += v
      sums[10 + c / 25] += v
    }
    for d in 0..<min(3, featureCount - 3 * byte) {
      let o = (3 * byte + d) * 5
      for v in 0..<5 {
        out.gradients[o + v] = sums[d * 5 + v].x
        out.counts[o + v] = Int32(sums[d * 5 + v].y)
      }
    }
  }
}
