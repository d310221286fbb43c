/// The decoded values of one column, all row groups in row order, typed by the column's physical type.
///
/// `valid` is nil when the column has no nulls; otherwise `valid[i]` is false for a null, whose slot holds 0
/// (NaN for FLOAT and DOUBLE, an empty string for BYTE_ARRAY).
public enum ParquetColumnValues: Sendable, Equatable {
  case int32([Int32], valid: [Bool]?)
  case int64([Int64], valid: [Bool]?)
  case float([Float], valid: [Bool]?)
  case double([Double], valid: [Bool]?)
  case boolean([Bool], valid: [Bool]?)
  /// Value i is `bytes[offsets[i]..<offsets[i + 1]]`.
  case byteArray(bytes: [UInt8], offsets: [Int], valid: [Bool]?)

  /// Number of values (rows).
  public var count: Int {
    switch self {
    case .int32(let v, _): v.count
    case .int64(let v, _): v.count
    case .float(let v, _): v.count
    case .double(let v, _): v.count
    case .boolean(let v, _): v.count
    case .byteArray(_, let offsets, _): offsets.count - 1
    }
  }

  /// The null mask, nil when there are no nulls.
  public var valid: [Bool]? {
    switch self {
    case .int32(_, let m), .int64(_, let m), .float(_, let m), .double(_, let m), .boolean(_, let m): m
    case .byteArray(_, _, let m): m
    }
  }

  /// BYTE_ARRAY value `i` as a UTF-8 string (nil for other types).
  public func string(at i: Int) -> String? {
    guard case .byteArray(let bytes, let offsets, _) = self else { return nil }
    return String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self)
  }
}
