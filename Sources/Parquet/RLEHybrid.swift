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
    guard bitWidth >= 0, bitWidth <= 32 else { throw CorruptData("RLE bit width \(bitWidth), expected 0…32") }
    if bitWidth == 0 {
      out.initialize(repeating: 0, count: count)
      return 0
    }
    var largest: UInt32 = 0
    var ip = 0
    var done = 0
    while done < count {
      guard let header = readVarint(input, at: &ip) else {
        throw CorruptData("RLE data ends after \(done) of \(count) values")
      }
      let limit = count - done
      let run =
        header & 1 == 1
        ? try decodeBitPacked(input, at: &ip, groups: header >> 1, bitWidth: bitWidth, limit: limit, into: out + done)
        : try decodeRepeated(input, at: &ip, repeats: header >> 1, bitWidth: bitWidth, limit: limit, into: out + done)
      largest = max(largest, run.largest)
      done += run.count
    }
    return largest
  }

  /// The ULEB128 varint at `ip` (advancing past it), or nil when the input ends inside it or it overflows.
  @inline(__always)
  static func readVarint(_ input: UnsafeRawBufferPointer, at ip: inout Int) -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while ip < input.count, shift < 64 {
      let byte = input[ip]
      ip += 1
      value |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  /// A bit-packed run of `groups` groups of 8 values at `ip`: writes up to `limit` of them to `out` and moves
  /// `ip` past the run. Returns how many values it wrote and the largest.
  @inline(__always)
  private static func decodeBitPacked(
    _ input: UnsafeRawBufferPointer, at ip: inout Int, groups header: UInt64, bitWidth: Int, limit: Int,
    into out: UnsafeMutablePointer<UInt32>
  ) throws -> (count: Int, largest: UInt32) {
    let n = input.count
    let groups = Int(min(header, UInt64(n)))
    guard groups > 0 else { throw CorruptData("empty bit-packed run") }
    let values = min(groups * 8, limit)
    guard (values * bitWidth + 7) / 8 <= n - ip else { throw CorruptData("bit-packed run runs past the page") }
    let available = min(groups * bitWidth, n - ip)
    var largest: UInt32 = 0
    var k = 0
    if bitWidth <= 8 {
      // Fast path: whole groups of 8 values, each group read as one unaligned 64-bit word.
      let readable = n - ip >= 8 ? (n - ip - 8) / bitWidth + 1 : 0  // groups whose 8-byte load fits
      let whole = min(values / 8, max(0, readable))
      largest = unpack(input.baseAddress! + ip, groups: whole, width: bitWidth, into: out)
      k = whole * 8
    }
    // The rest bit by bit, reading zeros past the run's available bytes.
    let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
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
      out[k] = value
      largest = max(largest, value)
      buffer >>= UInt64(bitWidth)
      bits -= bitWidth
    }
    ip += available
    return (values, largest)
  }

  /// An RLE run of `repeats` copies of the value at `ip` (⌈bitWidth / 8⌉ bytes): writes up to `limit` of them to
  /// `out` and moves `ip` past the value. Returns how many values it wrote and the value.
  @inline(__always)
  private static func decodeRepeated(
    _ input: UnsafeRawBufferPointer, at ip: inout Int, repeats header: UInt64, bitWidth: Int, limit: Int,
    into out: UnsafeMutablePointer<UInt32>
  ) throws -> (count: Int, largest: UInt32) {
    let repeats = Int(clamping: header)
    let width = (bitWidth + 7) / 8
    guard ip + width <= input.count else { throw CorruptData("RLE run value runs past the page") }
    var value: UInt32 = 0
    for k in 0..<width { value |= UInt32(input[ip + k]) << (8 * UInt32(k)) }
    ip += width
    guard repeats > 0 else { throw CorruptData("empty RLE run") }
    let take = min(repeats, limit)
    out.update(repeating: value, count: take)
    return (take, value)
  }

  /// Unpacks `groups` groups of 8 values of `width` (1…8) bits with the shifts as constants.
  @inline(__always)
  private static func unpack(
    _ source: UnsafeRawPointer, groups: Int, width: Int, into target: UnsafeMutablePointer<UInt32>
  ) -> UInt32 {
    switch width {
    case 1: return unpack(source, groups: groups, constantWidth: 1, into: target)
    case 2: return unpack(source, groups: groups, constantWidth: 2, into: target)
    case 3: return unpack(source, groups: groups, constantWidth: 3, into: target)
    case 4: return unpack(source, groups: groups, constantWidth: 4, into: target)
    case 5: return unpack(source, groups: groups, constantWidth: 5, into: target)
    case 6: return unpack(source, groups: groups, constantWidth: 6, into: target)
    case 7: return unpack(source, groups: groups, constantWidth: 7, into: target)
    default: return unpack(source, groups: groups, constantWidth: 8, into: target)
    }
  }

  /// Unpacks `groups` groups of 8 values of `width` bits; needs 8 readable bytes from each group's start.
  /// Returns the largest value. Called with a constant width, so the shifts are constants after inlining.
  @inline(__always)
  private static func unpack(
    _ source: UnsafeRawPointer, groups: Int, constantWidth width: Int, into target: UnsafeMutablePointer<UInt32>
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
    var ip = 0
    guard let header = readVarint(input, at: &ip) else { return false }
    return header & 1 == 0 && header >> 1 >= UInt64(count) && ip < input.count && input[ip] == 1
  }
}
