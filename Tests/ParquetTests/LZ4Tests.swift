import Foundation
import Testing

@testable import Parquet

/// LZ4 blocks and Hadoop frames written by hand, and malformed ones refused.
@Suite struct LZ4Tests {
  /// "abcabcabcabcX": 3 literals "abc", then a match of offset 3 and length 9 (overlapping itself), then "X".
  static let block: [UInt8] = [0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x58]

  static func decode(_ input: [UInt8], size: Int, hadoop: Bool = false) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: size)
    try input.withUnsafeBytes { i in
      try output.withUnsafeMutableBytes { o in
        if hadoop { try LZ4.decompressHadoopOrRaw(i, into: o) } else { try LZ4.decompressRaw(i, into: o) }
      }
    }
    return output
  }

  @Test func aBlockWithAnOverlappingMatch() throws {
    #expect(try Self.decode(Self.block, size: 13) == Array("abcabcabcabcX".utf8))
  }

  @Test func hadoopFramesOfTwoBlocksAndABareBlockUnderTheSameCodec() throws {
    let frame = { (block: [UInt8], size: Int) -> [UInt8] in
      [0, 0, 0, UInt8(size), 0, 0, 0, UInt8(block.count)] + block
    }
    let two = frame(Self.block, 13) + frame([0x20, 0x68, 0x69], 2)
    #expect(try Self.decode(two, size: 15, hadoop: true) == Array("abcabcabcabcXhi".utf8))
    #expect(try Self.decode(Self.block, size: 13, hadoop: true) == Array("abcabcabcabcX".utf8), "no framing: a bare block")
  }

  @Test func longLiteralRunsUseExtensionBytes() throws {
    let literals = (0..<300).map { UInt8($0 % 251) }
    // 300 = 15 + 255 + 30.
    #expect(try Self.decode([0xF0, 255, 30] + literals, size: 300) == literals)
  }

  @Test func malformedBlocksAreRefused() {
    for (input, size) in [([0x35, 0x61, 0x62, 0x63, 0x09, 0x00, 0x10, 0x58], 13), ([0x35, 0x61, 0x62], 13), ([0xF0, 255], 300), (Self.block, 12)]
      as [([UInt8], Int)]
    {
      #expect(throws: CorruptData.self) { try Self.decode(input, size: size) }
    }
  }
}
