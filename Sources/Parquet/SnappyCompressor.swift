/// Snappy block compression: greedy matching of 4-byte sequences through a hash table, emitting literals
/// and copies in the raw format `Snappy.decompress` (and every Snappy reader) understands.
enum SnappyCompressor {
  /// `input` compressed as one Snappy block.
  ///
  /// - Complexity: O(n), one pass with a 16 K-entry hash table.
  static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var block = SnappyBlock(capacity: input.count / 2 + 32)
    block.appendLength(input.count)
    guard input.count > 0 else { return block.bytes }
    block.appendElements(of: input.bindMemory(to: UInt8.self))
    return block.bytes
  }
}

/// A Snappy block being written: the uncompressed length, then literal and copy elements.
private struct SnappyBlock {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  /// The preamble: the uncompressed length as a little-endian varint.
  mutating func appendLength(_ length: Int) {
    var n = length
    while n >= 0x80 {
      bytes.append(UInt8(n & 0x7f) | 0x80)
      n >>= 7
    }
    bytes.append(UInt8(n))
  }

  /// Every element of `input`: hashes each 4-byte sequence, copies from the last position with the same
  /// hash (within 64 KiB) when its 4 bytes match, and emits the bytes between copies as literals.
  mutating func appendElements(of input: UnsafeBufferPointer<UInt8>) {
    let count = input.count
    var table = [Int](repeating: -1, count: 1 << 14)
    func load32(_ i: Int) -> UInt32 {
      UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24
    }
    var literalStart = 0
    var i = 0
    while i + 4 <= count {
      let word = load32(i)
      let h = Int((word &* 0x1E35_A7BD) >> 18)
      let candidate = table[h]
      table[h] = i
      if candidate >= 0, i - candidate < 65536, load32(candidate) == word {
        var length = 4
        while i + length < count, input[candidate + length] == input[i + length] { length += 1 }
        appendLiteral(input, literalStart, i)
        appendCopy(offset: i - candidate, length: length)
        i += length
        literalStart = i
      } else {
        i += 1
      }
    }
    appendLiteral(input, literalStart, count)
  }

  /// `input[start..<end]` as literal elements of at most 64 KiB each.
  private mutating func appendLiteral(_ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
    var s = start
    while s < end {
      let length = min(end - s, 1 << 16)
      let n = length - 1
      if n < 60 {
        bytes.append(UInt8(n << 2))
      } else if n < 256 {
        bytes.append(60 << 2)
        bytes.append(UInt8(n))
      } else {
        bytes.append(61 << 2)
        bytes.append(UInt8(n & 0xff))
        bytes.append(UInt8(n >> 8))
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[s..<(s + length)]))
      s += length
    }
  }

  /// A copy of `length` bytes from `offset` back, as copy elements of at most 64 bytes each.
  private mutating func appendCopy(offset: Int, length: Int) {
    var left = length
    while left > 0 {
      let piece = left > 64 ? (left - 64 >= 4 ? 64 : left - 4) : left
      if piece >= 4 && piece <= 11 && offset < 2048 {
        bytes.append(UInt8(1 | ((piece - 4) << 2) | ((offset >> 8) << 5)))
        bytes.append(UInt8(offset & 0xff))
      } else {
        bytes.append(UInt8(2 | ((piece - 1) << 2)))
        bytes.append(UInt8(offset & 0xff))
        bytes.append(UInt8(offset >> 8))
      }
      left -= piece
    }
  }
}
