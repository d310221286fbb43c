/// Conversions of fixed-width physical values to the types the reader returns: INT96 timestamps to
/// nanoseconds, FLOAT16 to `Float`, DECIMAL bytes to `Double`.
enum FixedWidthValues {
  /// INT96 timestamps (8 bytes of nanoseconds in the day, then a 4-byte Julian day, little-endian) as
  /// nanoseconds since 1970-01-01, wrapping on overflow as Arrow does.
  static func int96Nanoseconds(_ bytes: [UInt8]) -> [Int64] {
    let unixEpochJulianDay: Int64 = 2_440_588
    let nanosecondsPerDay: Int64 = 86_400_000_000_000
    return bytes.withUnsafeBytes { raw in
      (0..<(raw.count / 12)).map { i in
        let nanoseconds = Int64(bitPattern: raw.loadUnaligned(fromByteOffset: i * 12, as: UInt64.self).littleEndian)
        // The Julian day is unsigned, as in Arrow (days past 2^31 wrap like theirs).
        let day = Int64(raw.loadUnaligned(fromByteOffset: i * 12 + 8, as: UInt32.self).littleEndian)
        return (day &- unixEpochJulianDay) &* nanosecondsPerDay &+ nanoseconds
      }
    }
  }

  /// IEEE 754 half-precision floats (2 bytes each, little-endian) widened exactly to `Float`.
  static func float16s(_ bytes: [UInt8]) -> [Float] {
    (0..<(bytes.count / 2)).map { i in float(half: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8) }
  }

  /// One half-precision value widened to `Float`.
  static func float(half: UInt16) -> Float {
    let sign: UInt32 = UInt32(half >> 15) << 31
    let exponent = Int(half >> 10) & 0x1f
    let fraction = UInt32(half & 0x3ff)
    switch exponent {
    case 0:
      // Zero or subnormal: fraction × 2^-24, exact in Float.
      let magnitude = Float(fraction) * 0x1p-24
      return sign == 0 ? magnitude : -magnitude
    case 0x1f:
      return Float(bitPattern: sign | 0x7f80_0000 | fraction << 13)
    default:
      return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
    }
  }

  /// A DECIMAL's unscaled value (big-endian two's complement, any width) × 10^-scale, correctly rounded to the
  /// nearest `Double`.
  static func decimal(_ bytes: some Collection<UInt8>, scale: Int) -> Double {
    Double(unscaledDigits(bytes) + "e\(-scale)") ?? .nan
  }

  /// The decimal digits (with a leading `-` when negative) of a big-endian two's complement integer.
  static func unscaledDigits(_ bytes: some Collection<UInt8>) -> String {
    guard let first = bytes.first else { return "0" }
    let negative = first & 0x80 != 0
    // Magnitude, big-endian: for a negative number, invert and add one.
    var magnitude = bytes.map { negative ? ~$0 : $0 }
    if negative {
      for i in magnitude.indices.reversed() {
        magnitude[i] &+= 1
        if magnitude[i] != 0 { break }
      }
    }
    var chunks: [String] = []
    while magnitude.contains(where: { $0 != 0 }) {
      // Divide the big-endian magnitude by 10^9, keeping the remainder.
      var remainder: UInt64 = 0
      for i in magnitude.indices {
        let current = remainder << 8 | UInt64(magnitude[i])
        magnitude[i] = UInt8(current / 1_000_000_000)
        remainder = current % 1_000_000_000
      }
      chunks.append(String(remainder))
    }
    guard let top = chunks.popLast() else { return "0" }
    let digits = top + chunks.reversed().map { String(repeating: "0", count: 9 - $0.count) + $0 }.joined()
    return negative ? "-" + digits : digits
  }
}
