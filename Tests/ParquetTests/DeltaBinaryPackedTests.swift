import Foundation
import Testing

@testable import Parquet

/// DELTA_BINARY_PACKED streams written by hand from `Encodings.md`; the vendored
/// `delta_binary_packed.parquet` (bit widths 0…64) and pyarrow's `delta` variant check it against real writers.
@Suite struct DeltaBinaryPackedTests {
  static func decode(_ bytes: [UInt8], count: Int) throws -> [Int64] {
    try bytes.withUnsafeBytes { try DeltaBinaryPacked.decode($0, count: count) }
  }

  /// Header: 128 values per block, 4 miniblocks; then the block's minimum delta and widths.
  static let header: [UInt8] = [0x80, 0x01, 0x04]

  @Test func constantDeltaNeedsNoBits() throws {
    // 5 values from 1 (zigzag 2), minimum delta 1 (zigzag 2), all widths 0.
    #expect(try Self.decode(Self.header + [0x05, 0x02, 0x02, 0, 0, 0, 0], count: 5) == [1, 2, 3, 4, 5])
  }

  @Test func negativeMinimumDeltaAndTwoBitMiniblock() throws {
    // 7, 5, 3, 1, 2, 3, 4, 5: deltas −2 ×3, +1 ×4; minimum −2 (zigzag 3); relative 0,0,0,3,3,3,3 in 2 bits.
    let block: [UInt8] = [0x03, 2, 0, 0, 0, 0xC0, 0xFF, 0, 0, 0, 0, 0, 0]
    #expect(try Self.decode(Self.header + [0x08, 0x0E] + block, count: 8) == [7, 5, 3, 1, 2, 3, 4, 5])
    // A last miniblock cut after the values it holds is accepted too.
    #expect(try Self.decode(Self.header + [0x08, 0x0E] + block.prefix(7), count: 8) == [7, 5, 3, 1, 2, 3, 4, 5])
  }

  @Test func int32ArithmeticWraps() throws {
    // Int32.max then Int32.min: the writer's delta wraps to +1.
    let stream = Self.header + [0x02, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x02, 0, 0, 0, 0]
    let plain = try stream.withUnsafeBytes { try DeltaBinaryPacked.plain($0, count: 2, as: .int32) }
    #expect(plain.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) } == [Int32.max, Int32.min])
  }

  @Test func badStreamsThrow() {
    // Block size 100 (not a multiple of 128); fewer values than asked for; a miniblock past the end; width 65.
    #expect(throws: (any Error).self) { try Self.decode([100, 4, 5, 2, 2, 0, 0, 0, 0], count: 5) }
    #expect(throws: (any Error).self) { try Self.decode(Self.header + [0x02, 0x02, 0x02, 0, 0, 0, 0], count: 5) }
    #expect(throws: (any Error).self) { try Self.decode(Self.header + [0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0], count: 8) }
    #expect(throws: (any Error).self) { try Self.decode(Self.header + [0x08, 0x0E, 0x03, 65, 0, 0, 0], count: 8) }
  }
}
