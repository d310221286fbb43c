/// One value of a nested field, as `ParquetFile.readField(named:)` assembles it: a primitive, a list, a
/// struct or a map, to any depth.
///
/// Primitives keep their physical type: INT32 and INT64 as `int` (unsigned 8/16/32-bit annotations
/// zero-extended, UINT64 as its bit pattern; dates and timestamps in their stored unit), FLOAT as `float`,
/// DOUBLE as `double`, BOOLEAN as `bool`, BYTE_ARRAY as `string` when annotated STRING/UTF8, else `bytes`.
/// A MAP whose key/value group holds only keys reads as a `list` of the keys, as pyarrow reads it.
public indirect enum ParquetValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case float(Float)
  case double(Double)
  case string(String)
  case bytes([UInt8])
  case list([ParquetValue])
  /// The fields of a group, in schema order.
  case `struct`([Field])
  /// The entries of a MAP, in file order (keys are not deduplicated).
  case map([Entry])

  /// One named field of a struct.
  public struct Field: Sendable, Equatable {
    public let name: String
    public let value: ParquetValue

    public init(name: String, value: ParquetValue) {
      self.name = name
      self.value = value
    }
  }

  /// One key/value pair of a map.
  public struct Entry: Sendable, Equatable {
    public let key: ParquetValue
    public let value: ParquetValue

    public init(key: ParquetValue, value: ParquetValue) {
      self.key = key
      self.value = value
    }
  }
}
