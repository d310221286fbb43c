import Testing

@testable import Parquet

/// Known answers for the fixed-width conversions: IEEE half floats, big-endian decimals, INT96 timestamps,
/// and which writers' chunk sizes are padded.
@Suite struct FixedWidthValuesTests {
  @Test(arguments: [
    (UInt16(0x3c00), Float(1)), (0xc000, -2), (0x7bff, 65504), (0x0001, 0x1p-24), (0x8001, -0x1p-24),
    (0x03ff, 1023 * 0x1p-24), (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x0000, 0), (0x7c00, .infinity),
    (0xfc00, -.infinity),
  ])
  func halfFloats(bits: UInt16, value: Float) {
    #expect(FixedWidthValues.float(half: bits) == value)
  }

  @Test func halfNaNsStayNaN() {
    #expect(FixedWidthValues.float(half: 0x7e00).isNaN)
    #expect(FixedWidthValues.float(half: 0xfc01).isNaN)
    #expect(FixedWidthValues.float(half: 0x8000).sign == .minus)
  }

  @Test(arguments: [
    ([UInt8(0x00)], "0"), ([0xff], "-1"), ([0x7f], "127"), ([0x80], "-128"), ([0x01, 0x00], "256"),
    ([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "-1"),
    ([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "18446744073709551615"),
    ([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "-170141183460469231731687303715884105728"),
    ([0x3b, 0x9a, 0xca, 0x00], "1000000000"),
  ])
  func decimalDigits(bytes: [UInt8], digits: String) {
    #expect(FixedWidthValues.unscaledDigits(bytes) == digits)
  }

  @Test func decimalsAreScaledAndCorrectlyRounded() {
    #expect(FixedWidthValues.decimal([0x04, 0xd2], scale: 2) == 12.34)
    #expect(FixedWidthValues.decimal([0xfb, 0x2e], scale: 3) == -1.234)
    // 0.1 has no exact double: the decimal is rounded once, to the same double as the literal.
    #expect(FixedWidthValues.decimal([0x01], scale: 1) == 0.1)
    #expect(FixedWidthValues.decimal([0x05], scale: -2) == 500)
  }

  @Test func int96CountsNanosecondsFromTheUnixEpoch() {
    func int96(nanoseconds: UInt64, julianDay: UInt32) -> [UInt8] {
      withUnsafeBytes(of: nanoseconds.littleEndian, Array.init) + withUnsafeBytes(of: julianDay.littleEndian, Array.init)
    }
    // 2024-01-01 is Julian day 2460311; 20:34:56.123456 into it.
    let nanos: UInt64 = (20 * 3600 + 34 * 60 + 56) * 1_000_000_000 + 123_456_000
    let bytes = int96(nanoseconds: 0, julianDay: 2_440_588) + int96(nanoseconds: nanos, julianDay: 2_460_311)
      + int96(nanoseconds: 0, julianDay: 2_440_587)
    #expect(FixedWidthValues.int96Nanoseconds(bytes) == [0, 1_704_141_296_123_456_000, -86_400_000_000_000])
  }

  @Test(arguments: [
    ("parquet-mr", true), ("parquet-mr version 1.2.8", true), ("parquet-mr version 1.2.9", false),
    ("parquet-mr version 1.10.1 (build abc)", false), ("parquet-cpp-arrow version 26.0.1", false),
  ])
  func oldParquetMRChunkSizesArePadded(createdBy: String, padded: Bool) {
    #expect(ParquetFile.writesShortChunkSizes(createdBy) == padded)
  }
}
