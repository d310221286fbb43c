import CMatrixKernel
import Foundation
import NumeraiData

/// Column sums and cross products of int8 feature columns, exact in integer arithmetic, and the covariance
/// matrix they give (one rounding per entry).
///
/// - Complexity: O(rows × features²): on AVX2 CPUs when no value is negative, by the C kernel
///   `mk_int8_gram_avx2` (32 multiply-adds per instruction); elsewhere by bit planes (`BitPlanes`, 9
///   AND+popcount per 64 rows) when every value lies in 0…7, else int8 × int8 into Int32 lanes (`crossProduct`).
struct FeatureMoments {
  let rows: Int
  let features: Int
  /// Σ x_j per feature.
  let sums: [Int64]
  /// Σ x_j x_k, row-major `features × features`.
  let crossProducts: [Int64]

  /// How the cross products are summed (all exact, so all give the same integers).
  enum Method {
    /// The C kernel `mk_int8_gram_avx2`, for values in 0…bound (bound ≤ 127) on AVX2 CPUs.
    case avx2(bound: Int8)
    /// Bit planes, for values in 0…7.
    case bitPlanes(BitPlanes)
    /// Int8 products in Swift, for any values.
    case int8
  }

  /// Whether this CPU runs the AVX2 kernel (asked once per process).
  static let hasAVX2 = mk_has_avx2_fma() == 1

  /// The fastest method for `matrix` on a CPU with (or without) AVX2.
  static func method(for matrix: ColumnMajorMatrix<Int8>, avx2: Bool = hasAVX2) -> Method {
    if avx2 {
      let (low, high) = matrix.withUnsafeElements { all in
        var (low, high) = (Int8(0), Int8(0))
        for v in all {
          low = min(low, v)
          high = max(high, v)
        }
        return (low, high)
      }
      if low >= 0 { return .avx2(bound: high) }
    }
    if let planes = BitPlanes(matrix) { return .bitPlanes(planes) }
    return .int8
  }

  /// The moments of `matrix`'s columns, the feature pairs shared among `threads` threads, summed by `method`
  /// (by default the fastest one for this CPU and these values).
  init(
    _ matrix: ColumnMajorMatrix<Int8>, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    method: Method? = nil
  ) {
    rows = matrix.rowCount
    features = matrix.columnCount
    let p = features
    let workers = max(1, min(threads, p))
    var cross = [Int64](repeating: 0, count: p * p)
    cross.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let cross = buffer
      switch method ?? Self.method(for: matrix) {
      case .avx2(let bound): Self.accumulate(matrix, bound: bound, into: cross, workers: workers)
      case .bitPlanes(let planes): Self.accumulate(planes, into: cross, workers: workers)
      case .int8: Self.accumulate(matrix, into: cross, workers: workers)
      }
      // Each pair was written once, at (j, k ≥ j); mirror it.
      for j in 0..<p { for k in (j + 1)..<p { cross[k * p + j] = cross[j * p + k] } }
    }
    sums = (0..<p).map { j in matrix.withUnsafeColumn(j) { $0.reduce(0) { $0 + Int64($1) } } }
    crossProducts = cross
  }

  /// Σ x_j x_k (k ≥ j) by the AVX2 kernel, the rows taken in blocks of 4,096 and the features in panels of 16:
  /// a panel's block (64 KiB) stays in L2 and the block of all features in L3 while every pair uses them.
  /// Thread t takes panels t and 2·workers − 1 − t of every 2·workers (their pairs balance), so each writes
  /// only its own rows of `cross`.
  private static func accumulate(
    _ matrix: ColumnMajorMatrix<Int8>, bound: Int8, into cross: UnsafeMutableBufferPointer<Int64>, workers: Int
  ) {
    let (p, n) = (matrix.columnCount, matrix.rowCount)
    let (panel, block) = (16, 4_096)
    let panels = (p + panel - 1) / panel
    let owned = (0..<workers).map { t in
      (0..<panels).filter { i in i % (2 * workers) == t || i % (2 * workers) == 2 * workers - 1 - t }
    }
    nonisolated(unsafe) let cross = cross
    matrix.withUnsafeElements { all in
      guard let base = all.baseAddress, let out = cross.baseAddress else { return }
      nonisolated(unsafe) let (x, c) = (base, out)
      for start in stride(from: 0, to: n, by: block) {
        let end = min(n, start + block)
        DispatchQueue.concurrentPerform(iterations: workers) { t in
          for i in owned[t] {
            mk_int8_gram_avx2(x, n, p, start, end, i * panel, min(p, (i + 1) * panel), Int32(bound), c)
          }
        }
      }
    }
  }

  /// Σ x_j x_k (k ≥ j) by bit planes, the rows taken in blocks of 4,096 (64 words) so that every column's planes
  /// of a block stay in cache while all pairs use them. Thread t takes features t, t + workers, …: each writes
  /// only its own rows of `cross`.
  private static func accumulate(_ planes: BitPlanes, into cross: UnsafeMutableBufferPointer<Int64>, workers: Int) {
    let p = planes.columns
    nonisolated(unsafe) let cross = cross
    for start in stride(from: 0, to: planes.words, by: 64) {
      let block = start..<min(planes.words, start + 64)
      DispatchQueue.concurrentPerform(iterations: workers) { t in
        for j in stride(from: t, to: p, by: workers) {
          for k in j..<p { cross[j * p + k] += planes.crossProduct(j, k, words: block) }
        }
      }
    }
  }

  /// Σ x_j x_k (k ≥ j) by int8 products (any values), column pair by column pair.
  private static func accumulate(_ matrix: ColumnMajorMatrix<Int8>, into cross: UnsafeMutableBufferPointer<Int64>, workers: Int) {
    let (p, n) = (matrix.columnCount, matrix.rowCount)
    nonisolated(unsafe) let cross = cross
    matrix.withUnsafeElements { all in
      nonisolated(unsafe) let all = all
      DispatchQueue.concurrentPerform(iterations: workers) { t in
        for j in stride(from: t, to: p, by: workers) {
          let a = UnsafeBufferPointer(rebasing: all[(j * n)..<((j + 1) * n)])
          for k in j..<p { cross[j * p + k] = crossProduct(a, UnsafeBufferPointer(rebasing: all[(k * n)..<((k + 1) * n)])) }
        }
      }
    }
  }

  /// Σ a_i b_i, exact: blocks of int8 products summed in Int32 (at most 127² × 65,536 < 2³¹ per block).
  // PERFORMANCE: the feature lab's covariance is this loop, features²/2 times over every row.
  static func crossProduct(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int64 {
    var total: Int64 = 0
    var start = 0
    while start < a.count {
      let end = min(a.count, start + 65_536)
      var block: Int32 = 0
      for i in start..<end { block &+= Int32(a[i]) &* Int32(b[i]) }
      total += Int64(block)
      start = end
    }
    return total
  }

  /// Column means.
  var means: [Double] { sums.map { Double($0) / Double(rows) } }

  /// The sample covariance (divisor rows − 1), row-major: (n·Σx_jx_k − Σx_j·Σx_k) / (n(n−1)), the numerator
  /// exact in Int64.
  var covariance: [Double] {
    let n = Int64(rows)
    let divisor = Double(rows) * Double(max(rows - 1, 1))
    return (0..<(features * features)).map { index in
      let (j, k) = index.quotientAndRemainder(dividingBy: features)
      return Double(n * crossProducts[index] - sums[j] * sums[k]) / divisor
    }
  }
}
