/// The RLE / bit-packed hybrid encoding of definition levels and dictionary indices.
///
/// A run header varint h: h & 1 = 1 is a bit-packed run of (h >> 1) groups of 8 values, `bitWidth` bits each,
/// least significant bit first; h & 1 = 0 is (h >> 1) repeats of one value stored in ⌈bitWidth / 8⌉ bytes.
enum RLEHybrid {
  /// Decodes exactly `count` values into `out` and returns the largest; the input may hold padding after them.
  ///
  /// - Complexity: O(count + runs); bounds are checked against the input.
  @discardableResult
  static func decode(
    _ input: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: UnsafeMutablePointer<UInt32>
  ) throws -> UInt32 {
    var largest: UInt32 = 0
    guard bitWidth >= 0, bitWidth <= 32 else { throw CorruptData("RLE bit width \(bitWidth), expected 0…32") }
    if bitWidth == 0 {
      out.initialize(repeating: 0, count: count)
      return 0
    }
    var ip = 0
    var done = 0
    let n = input.count
    let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
    while done < count {
      var header: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard ip < n, shift < 64 else { throw CorruptData("RLE data ends after \(done) of \(count) values") }
        let byte = input[ip]
        ip += 1
        header |= UInt64(byte & 0x7f) << shift
        if byte & 0x80 == 0 { break }
        shift += 7
      }
      if header & 1 == 1 {
        let groups = Int(min(header >> 1, UInt64(n)))
        guard groups > 0 else { throw CorruptData("empty bit-packed run") }
        let values = min(groups * 8, count - done)
        guard (values * bitWidth + 7) / 8 <= n - ip else { throw CorruptData("bit-packed run runs past the page") }
        let available = min(groups * bitWidth, n - ip)
        // Fast path: whole groups of 8 values, each group read as one unaligned 64-bit word (bitWidth ≤ 8).
        var k = 0
        if bitWidth <= 8 {
          let readable = n - ip >= 8 ? (n - ip - 8) / bitWidth + 1 : 0  // groups whose 8-byte load fits
          let groups = min(values / 8, max(0, readable))
          let source = input.baseAddress! + ip
          let target = out + done
          let top: UInt32
          switch bitWidth {
          case 1: top = unpack(source, groups: groups, width: 1, into: target)
          case 2: top = unpack(source, groups: groups, width: 2, into: target)
          case 3: top = unpack(source, groups: groups, width: 3, into: target)
          case 4: top = unpack(source, groups: groups, width: 4, into: target)
          case 5: top = unpack(source, groups: groups, width: 5, into: target)
          case 6: top = unpack(source, groups: groups, width: 6, into: target)
          case 7: top = unpack(source, groups: groups, width: 7, into: target)
          default: top = unpack(source, groups: groups, width: 8, into: target)
          }
          largest = max(largest, top)
          k = groups * 8
        }
        var buffer: UInt64 = 0
        var bits = 0
        var p = ip + (k / 8) * bitWidth
        for k in k..<values {
          while bits < bitWidth {
            buffer |= (p < ip + available ? UInt64(input[p]) : 0) << UInt64(bits)
            p += 1
            bits += 8
          }
          let value = UInt32(truncatingIfNeeded: buffer & mask)
          out[done + k] = value
          largest = max(largest, value)
          buffer >>= UInt64(bitWidth)
          bits -= bitWidth
        }
        ip += available
        done += values
      } else {
        let repeats = Int(clamping: header >> 1)
        let width = (bitWidth + 7) / 8
        guard ip + width <= n else { throw CorruptData("RLE run value runs past the page") }
        var value: UInt32 = 0
        for k in 0..<width { value |= UInt32(input[ip + k]) << (8 * UInt32(k)) }
        ip += width
        guard repeats > 0 else { throw CorruptData("empty RLE run") }
        let take = min(repeats, count - done)
        (out + done).update(repeating: value, count: take)
        largest = max(largest, value)
        done += take
      }
    }
    return largest
  }

  /// Unpacks `groups` groups of 8 values of `width` bits; needs 8 readable bytes from each group's start.
  /// Returns the largest value. Called with a constant width, so the shifts are constants after inlining.
  @inline(__always)
  private static func unpack(
    _ source: UnsafeRawPointer, groups: Int, width: Int, into target: UnsafeMutablePointer<UInt32>
  ) -> UInt32 {
    let mask: UInt64 = (1 << UInt64(width)) - 1
    var largest: UInt64 = 0
    for g in 0..<groups {
      let word = UInt64(littleEndian: (source + g * width).loadUnaligned(as: UInt64.self))
      let o = target + g * 8
      for v in 0..<8 {
        let value = (word >> UInt64(v * width)) & mask
        o[v] = UInt32(truncatingIfNeeded: value)
        largest = max(largest, value)
      }
    }
    return UInt32(truncatingIfNeeded: largest)
  }

  /// Whether a definition-level stream (bit width 1) opens with one RLE run of 1s covering `count` rows:
  /// the page has no nulls and its levels need no decoding.
  static func isAllOnes(_ input: UnsafeRawBufferPointer, count: Int) -> Bool {
    var header: UInt64 = 0
    var shift: UInt64 = 0
    var ip = 0
    while ip < input.count, shift < 64 {
      let byte = input[ip]
      ip += 1
      header |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 {
        return header & 1 == 0 && header >> 1 >= UInt64(count) && ip < input.count && input[ip] == 1
      }
      shift += 7
    }
    return false
  }
}
