import CMatrixKernel
import NumeraiData
import Testing

@testable import Features

/// The AVX2 int8 Gram kernel and the choice between it and the Swift paths: every method gives the exact
/// integers of a plain Int64 sum.
@Suite struct Int8GramKernelTests {
  /// The upper triangle (k ≥ j) of the plain Int64 sums; zeros below.
  static func naiveUpper(_ m: ColumnMajorMatrix<Int8>) -> [Int64] {
    let p = m.columnCount
    var cross = [Int64](repeating: 0, count: p * p)
    for j in 0..<p { for k in j..<p { cross[j * p + k] = FeatureMomentsTests.naive(m, j, k) } }
    return cross
  }

  /// The kernel over all rows in one call, j split in `ranges`.
  static func kernel(_ m: ColumnMajorMatrix<Int8>, bound: Int8, ranges: [Range<Int>]) -> [Int64] {
    let (n, p) = (m.rowCount, m.columnCount)
    var cross = [Int64](repeating: 0, count: p * p)
    m.withUnsafeElements { x in
      cross.withUnsafeMutableBufferPointer { c in
        for r in ranges {
          mk_int8_gram_avx2(x.baseAddress, n, p, 0, n, r.lowerBound, r.upperBound, Int32(bound), c.baseAddress)
        }
      }
    }
    return cross
  }

  /// Rows not a multiple of 32 (or of the 4,096-row block), columns not a multiple of the 4×3 tile, one column,
  /// and 70,001 rows of values up to 127 (more than one 32,768-row pass of the int32 lanes).
  @Test(
    .enabled(if: FeatureMoments.hasAVX2),
    arguments: [
      (1, 1, 127), (31, 5, 127), (100, 1, 127), (33, 2, 4), (4_097, 7, 4), (5_000, 13, 127), (70_001, 6, 127),
      (70_001, 5, 4),
    ])
  func kernelEqualsThePlainSum(rows: Int, columns: Int, bound: Int) {
    let m = FeatureMomentsTests.matrix(rows: rows, columns: columns, range: 0...bound, seed: UInt64(rows * columns))
    let expected = Self.naiveUpper(m)
    #expect(Self.kernel(m, bound: Int8(bound), ranges: [0..<columns]) == expected)
    // Split j ranges (as threads take them) write disjoint rows and give the same sums.
    let ranges = stride(from: 0, to: columns, by: 2).map { $0..<min(columns, $0 + 2) }
    #expect(Self.kernel(m, bound: Int8(bound), ranges: ranges) == expected)
  }

  /// All three methods give the same moments, for any thread count; 0…7 so that bit planes apply too.
  @Test(.enabled(if: FeatureMoments.hasAVX2), arguments: [(1, 1), (63, 4), (4_097, 19), (9_000, 37)])
  func methodsAgree(rows: Int, columns: Int) throws {
    let m = FeatureMomentsTests.matrix(rows: rows, columns: columns, range: 0...7, seed: 11)
    let planes = try #require(BitPlanes(m))
    let reference = FeatureMoments(m, threads: 1, method: .int8)
    for threads in [1, 2, 3] {
      for method in [FeatureMoments.Method.avx2(bound: 7), .bitPlanes(planes), .int8] {
        let moments = FeatureMoments(m, threads: threads, method: method)
        #expect(moments.crossProducts == reference.crossProducts)
        #expect(moments.sums == reference.sums)
      }
    }
    #expect(reference.crossProducts[0] == FeatureMomentsTests.naive(m, 0, 0))
  }

  /// Values up to 127: the kernel (chosen by default on AVX2) and the Swift int8 path agree with the plain sum.
  @Test(.enabled(if: FeatureMoments.hasAVX2))
  func wideNonNegativeValuesTakeTheKernel() {
    let m = FeatureMomentsTests.matrix(rows: 8_191, columns: 23, range: 0...127, seed: 3)
    guard case .avx2(let bound) = FeatureMoments.method(for: m) else {
      Issue.record("expected the AVX2 kernel")
      return
    }
    #expect(bound == 127)
    let chosen = FeatureMoments(m, threads: 2)
    #expect(chosen.crossProducts == FeatureMoments(m, threads: 2, method: .int8).crossProducts)
    for j in [0, 11, 22] { #expect(chosen.crossProducts[j * 23 + 22] == FeatureMomentsTests.naive(m, j, 22)) }
  }

  /// Which method each CPU and value range gets.
  @Test func methodChoice() {
    let bins = FeatureMomentsTests.matrix(rows: 100, columns: 3, range: 0...4, seed: 1)
    let wide = FeatureMomentsTests.matrix(rows: 100, columns: 3, range: 0...100, seed: 2)
    let negative = FeatureMomentsTests.matrix(rows: 100, columns: 3, range: -3...4, seed: 3)
    guard case .avx2(bound: 4) = FeatureMoments.method(for: bins, avx2: true) else {
      Issue.record("0…4 on AVX2: expected the kernel with bound 4")
      return
    }
    guard case .avx2(bound: 100) = FeatureMoments.method(for: wide, avx2: true) else {
      Issue.record("0…100 on AVX2: expected the kernel with bound 100")
      return
    }
    guard case .int8 = FeatureMoments.method(for: negative, avx2: true) else {
      Issue.record("negative values: expected int8 products")
      return
    }
    guard case .bitPlanes = FeatureMoments.method(for: bins, avx2: false) else {
      Issue.record("0…4 without AVX2: expected bit planes")
      return
    }
    guard case .int8 = FeatureMoments.method(for: wide, avx2: false) else {
      Issue.record("0…100 without AVX2: expected int8 products")
      return
    }
  }
}
