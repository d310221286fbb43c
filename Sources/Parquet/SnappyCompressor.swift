/// Snappy block compression: greedy matching of 4-byte sequences through a hash table, emitting literals
/// and copies in the raw format `Snappy.decompress` (and every Snappy reader) understands.
enum SnappyCompressor {
  /// `input` compressed as one Snappy block.
  ///
  /// - Complexity: O(n), one pass with a 16 K-entry hash table.
  static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(input.count / 2 + 32)
    var n = input.count
    while n >= 0x80 {
      out.append(UInt8(n & 0x7f) | 0x80)
      n >>= 7
    }
    out.append(UInt8(n))
    let count = input.count
    guard count > 0 else { return out }
    let bytes = input.bindMemory(to: UInt8.self)
    var table = [Int](repeating: -1, count: 1 << 14)
    func load32(_ i: Int) -> UInt32 {
      UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }
    func emitLiteral(_ start: Int, _ end: Int) {
      var s = start
      while s < end {
        let length = min(end - s, 1 << 16)
        let n = length - 1
        if n < 60 {
          out.append(UInt8(n << 2))
        } else if n < 256 {
          out.append(60 << 2)
          out.append(UInt8(n))
        } else {
          out.append(61 << 2)
          out.append(UInt8(n & 0xff))
          out.append(UInt8(n >> 8))
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<(s + length)]))
        s += length
      }
    }
    func emitCopy(offset: Int, length: Int) {
      var left = length
      while left > 0 {
        let piece = left > 64 ? (left - 64 >= 4 ? 64 : left - 4) : left
        if piece >= 4 && piece <= 11 && offset < 2048 {
          out.append(UInt8(1 | ((piece - 4) << 2) | ((offset >> 8) << 5)))
          out.append(UInt8(offset & 0xff))
        } else {
          out.append(UInt8(2 | ((piece - 1) << 2)))
          out.append(UInt8(offset & 0xff))
          out.append(UInt8(offset >> 8))
        }
        left -= piece
      }
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
        while i + length < count, bytes[candidate + length] == bytes[i + length] { length += 1 }
        emitLiteral(literalStart, i)
        emitCopy(offset: i - candidate, length: length)
        i += length
        literalStart = i
      } else {
        i += 1
      }
    }
    emitLiteral(literalStart, count)
    return out
  }
}
