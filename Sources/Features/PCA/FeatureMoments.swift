import Foundation
import NumeraiData

/// Column sums and cross products of int8 feature columns, exact in integer arithmetic, and the covariance
/// matrix they give (one rounding per entry).
///
/// - Complexity: O(rows × features²): by bit planes (`BitPlanes`, 9 AND+popcount per 64 rows) when every
///   value lies in 0…7, else int8 × int8 into Int32 lanes (`crossProduct`).
struct FeatureMoments {
  let rows: Int
  let features: Int
  /// Σ x_j per feature.
  let sums: [Int64]
  /// Σ x_j x_k, row-major `features × features`.
  let crossProducts: [Int64]

  /// The moments of `matrix`'s columns, the feature pairs shared among `threads` threads.
  init(_ matrix: ColumnMajorMatrix<Int8>, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
    rows = matrix.rowCount
    features = matrix.columnCount
    let (p, n) = (features, rows)
    var sums = [Int64](repeating: 0, count: p)
    var cross = [Int64](repeating: 0, count: p * p)
    let workers = max(1, min(threads, p))
    let planes = BitPlanes(matrix)
    matrix.withUnsafeElements { all in
      sums.withUnsafeMutableBufferPointer { sumsBuffer in
        cross.withUnsafeMutableBufferPointer { crossBuffer in
          nonisolated(unsafe) let (all, sums, cross) = (all, sumsBuffer, crossBuffer)
          // Thread t takes features t, t + workers, …: each writes only its own rows (j, k ≥ j) and their
          // mirrors (k, j), so no cell is written twice; all are read after concurrentPerform returns.
          DispatchQueue.concurrentPerform(iterations: workers) { t in
            for j in stride(from: t, to: p, by: workers) {
              let a = UnsafeBufferPointer(rebasing: all[(j * n)..<((j + 1) * n)])
              sums[j] = a.reduce(0) { $0 + Int64($1) }
              for k in j..<p {
                let value =
                  planes?.crossProduct(j, k)
                  ?? Self.crossProduct(a, UnsafeBufferPointer(rebasing: all[(k * n)..<((k + 1) * n)]))
                cross[j * p + k] = value
                cross[k * p + j] = value
              }
            }
          }
        }
      }
    }
    self.sums = sums
    crossProducts = cross
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
