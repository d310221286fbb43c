/// The RLE / bit-packed hybrid encoding of definition levels and dictionary indices.
///
/// A run header varint h: h & 1 = 1 is a bit-packed run of (h >> 1) groups of 8 values, `bitWidth` bits each,
/// least significant bit first; h & 1 = 0 is (h >> 1) repeats of one value stored in ⌈bitWidth / 8⌉ bytes.
enum RLEHybrid {
  /// Decodes exactly `count` values into `out`; the input may hold padding after them.
  ///
  /// - Complexity: O(count + runs); bounds are checked against the input.
  static func decode(
    _ input: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: UnsafeMutablePointer<UInt32>
  ) throws {
    guard bitWidth >= 0, bitWidth <= 32 else { throw CorruptData("RLE bit width \(bitWidth), expected 0…32") }
    if bitWidth == 0 {
      out.initialize(repeating: 0, count: count)
      return
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
        var buffer: UInt64 = 0
        var bits = 0
        var p = ip
        for k in 0..<values {
          while bits < bitWidth {
            buffer |= (p < ip + available ? UInt64(input[p]) : 0) << UInt64(bits)
            p += 1
            bits += 8
          }
          out[done + k] = UInt32(truncatingIfNeeded: buffer & mask)
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
        done += take
      }
    }
  }
}
