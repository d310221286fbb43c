import NumeraiData
import Testing

@testable import Features

/// The exact moments: bit-plane and int8 cross products agree with a plain Int64 sum.
@Suite struct FeatureMomentsTests {
  static func matrix(rows: Int, columns: Int, range: ClosedRange<Int>, seed: UInt64) -> ColumnMajorMatrix<Int8> {
    var state = seed
    let values = (0..<columns).map { _ in
      (0..<rows).map { _ -> Int8 in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int8(range.lowerBound + Int(state >> 33) % range.count)
      }
    }
    return ColumnMajorMatrix(columns: values, rowCount: rows)
  }

  static func naive(_ m: ColumnMajorMatrix<Int8>, _ j: Int, _ k: Int) -> Int64 {
    (0..<m.rowCount).reduce(0) { $0 + Int64(m[$1, j]) * Int64(m[$1, k]) }
  }

  @Test(arguments: [(1, 3), (63, 4), (64, 5), (1000, 7), (4097, 6)])
  func bitPlanesEqualThePlainSum(rows: Int, columns: Int) throws {
    let m = Self.matrix(rows: rows, columns: columns, range: 0...7, seed: UInt64(rows))
    let planes = try #require(BitPlanes(m))
    let moments = FeatureMoments(m, threads: 2)
    for j in 0..<columns {
      for k in 0..<columns {
        #expect(planes.crossProduct(j, k, words: 0..<planes.words) == Self.naive(m, j, k))
        #expect(moments.crossProducts[j * columns + k] == Self.naive(m, j, k))
      }
    }
  }

  /// Values outside 0…7 take the int8 path, with the same exact answers.
  @Test func wideValuesFallBackToInt8Products() throws {
    let m = Self.matrix(rows: 777, columns: 4, range: -128...127, seed: 5)
    #expect(BitPlanes(m) == nil)
    let moments = FeatureMoments(m, threads: 2)
    for j in 0..<4 {
      #expect(moments.sums[j] == (0..<777).reduce(0) { $0 + Int64(m[$1, j]) })
      for k in 0..<4 { #expect(moments.crossProducts[j * 4 + k] == Self.naive(m, j, k)) }
    }
  }
}
