import CMatrixKernel

/// The exact k nearest candidate rows (squared Euclidean over int8 features) of new rows, by measuring every
/// candidate: UMAP's placement of rows it did not fit. Distances come from the AVX2 kernel
/// `mk_int8_squared_distances_avx2` on zero-padded copies when the CPU has it and the values lie in 0…15 (Numerai's
/// are 0…4), else from `Int8Rows.squaredDistance`; both are exact integers and ties go to the lower index, so the
/// neighbours are the same either way.
struct ExactNeighbors: Sendable {
  let candidates: Int8Rows
  /// The candidates, each row padded with zeros to `paddedWidth` bytes; nil when the kernel cannot be used.
  private let padded: [Int8]?
  private let paddedWidth: Int
  /// Query rows measured per kernel call (a multiple of 4): 64 rows' distances to 200 k candidates are 51 MB.
  static let queryBlock = 64

  init(_ candidates: Int8Rows) {
    self.candidates = candidates
    paddedWidth = (candidates.width + 31) / 32 * 32
    padded = Self.kernelMeasures(candidates) ? Self.pad(candidates, rows: 0..<candidates.count, to: paddedWidth) : nil
  }

  /// Whether the kernel can measure distances between these rows: the CPU has AVX2 and every value lies in
  /// `kernelRange`.
  static func kernelMeasures(_ rows: Int8Rows) -> Bool {
    mk_has_avx2_fma() == 1 && rows.values.allSatisfy(kernelRange.contains)
  }

  /// Whether distances to these candidates come from the kernel.
  var usesKernel: Bool { padded != nil }

  /// Values the kernel takes: differences up to 15 keep its int16 sums exact.
  static let kernelRange: ClosedRange<Int8> = 0...15

  /// The `k` nearest candidates of each of `rows` of `queries` (as wide as the candidates), nearest first, as
  /// (squared distance, candidate index).
  func nearest(_ queries: Int8Rows, rows: [Int], k: Int) -> [[(Int32, Int32)]] {
    var out: [[(Int32, Int32)]] = []
    out.reserveCapacity(rows.count)
    for start in stride(from: 0, to: rows.count, by: Self.queryBlock) {
      let block = Array(rows[start..<min(rows.count, start + Self.queryBlock)])
      if let padded, block.allSatisfy({ queries.row($0).allSatisfy(Self.kernelRange.contains) }) {
        out += kernelNearest(queries, rows: block, k: k, padded: padded)
      } else {
        out += block.map { scalarNearest(queries.row($0), k: k) }
      }
    }
    return out
  }

  private func kernelNearest(_ queries: Int8Rows, rows: [Int], k: Int, padded: [Int8]) -> [[(Int32, Int32)]] {
    let count = (rows.count + 3) / 4 * 4
    let q = Self.pad(queries, rows: rows, to: paddedWidth, count: count)
    let n = candidates.count
    var distances = [Int32](repeating: 0, count: count * n)
    mk_int8_squared_distances_avx2(q, count, padded, n, paddedWidth, &distances)
    return rows.indices.map { r in
      var best = BoundedHeap(capacity: k)
      for j in 0..<n { best.push(distances[r * n + j], Int32(j)) }
      return best.sorted()
    }
  }

  private func scalarNearest(_ row: ArraySlice<Int8>, k: Int) -> [(Int32, Int32)] {
    row.withUnsafeBufferPointer { q in
      candidates.values.withUnsafeBufferPointer { x in
        NearestNeighbors.query(q.baseAddress!, in: x, width: candidates.width, k: k)
      }
    }
  }

  /// `rows` of `source`, each padded with zeros to `width` bytes, then zero rows up to `count` rows.
  private static func pad(_ source: Int8Rows, rows: some Collection<Int>, to width: Int, count: Int? = nil) -> [Int8] {
    var out = [Int8](repeating: 0, count: (count ?? rows.count) * width)
    for (r, i) in rows.enumerated() {
      out.replaceSubrange((r * width)..<(r * width + source.width), with: source.row(i))
    }
    return out
  }
}
