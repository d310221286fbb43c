/// BYTE_STREAM_SPLIT values (INT32, INT64, FLOAT, DOUBLE): byte k of every value is stored in stream k, the
/// streams one after another; turned back into PLAIN's little-endian values.
enum ByteStreamSplit {
  /// The bytes each value of `type` takes, for the types this encoding is read for.
  static func width(of type: ParquetPhysicalType) -> Int? {
    switch type {
    case .int32, .float: 4
    case .int64, .double: 8
    default: nil
    }
  }

  /// `count` values of `width` bytes as PLAIN bytes.
  static func plain(_ input: UnsafeRawBufferPointer, count: Int, width: Int) throws -> [UInt8] {
    guard input.count == count * width else {
      throw CorruptData("BYTE_STREAM_SPLIT page holds \(input.count) bytes, expected \(count) values × \(width)")
    }
    var out = [UInt8](repeating: 0, count: input.count)
    out.withUnsafeMutableBufferPointer { out in
      for k in 0..<width {
        for i in 0..<count { out[i &* width &+ k] = input[k &* count &+ i] }
      }
    }
    return out
  }
}
