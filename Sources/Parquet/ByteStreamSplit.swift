/// BYTE_STREAM_SPLIT values (INT32, INT64, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY): byte k of every value is
/// stored in stream k, the streams one after another; turned back into PLAIN's values.
enum ByteStreamSplit {
  /// The bytes each value of `type` takes, for the types this encoding is read for.
  static func width(of type: ParquetPhysicalType, fixedLength: Int? = nil) -> Int? {
    switch type {
    case .int32, .float: 4
    case .int64, .double: 8
    case .fixedLenByteArray: fixedLength
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

  /// PLAIN values of `width` bytes each, split into BYTE_STREAM_SPLIT's streams.
  static func split(_ values: ArraySlice<[UInt8]>, width: Int) -> [UInt8] {
    let count = values.count
    var out = [UInt8](repeating: 0, count: count * width)
    for (i, value) in values.enumerated() {
      for k in 0..<width { out[k * count + i] = value[k] }
    }
    return out
  }
}
