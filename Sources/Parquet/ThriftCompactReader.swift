/// Reads the Thrift compact protocol from untrusted bytes: every length and count is bounds-checked, so a
/// corrupt footer or page header ends in `CorruptData`, never a crash or a huge allocation.
struct ThriftCompactReader {
  /// Compact protocol type ids.
  enum FieldType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8,
      list = 9, set = 10, map = 11, structure = 12
  }

  private let bytes: UnsafeRawBufferPointer
  /// Offset of the next unread byte.
  private(set) var position: Int
  private var lastFieldIDs: [Int16] = []
  private var lastFieldID: Int16 = 0
  private var depth = 0

  init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
    self.bytes = bytes
    self.position = position
  }

  mutating func readByte() throws -> UInt8 {
    guard position < bytes.count else { throw CorruptData("Thrift data ends early at byte \(position)") }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func readVarint() throws -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = try readByte()
      guard shift < 64 else { throw CorruptData("Thrift varint longer than 10 bytes") }
      result |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  mutating func readI64() throws -> Int64 {
    let v = try readVarint()
    return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
  }

  mutating func readI32() throws -> Int32 {
    let v = try readI64()
    guard let narrow = Int32(exactly: v) else { throw CorruptData("Thrift i32 out of range: \(v)") }
    return narrow
  }

  /// An i32 that must be a non-negative size or count.
  mutating func readCount(_ what: String) throws -> Int {
    let v = try readI64()
    guard v >= 0, v <= Int64(Int32.max) else { throw CorruptData("\(what) is \(v), expected 0…\(Int32.max)") }
    return Int(v)
  }

  mutating func readBinary() throws -> UnsafeRawBufferPointer {
    let length = try readVarint()
    guard length <= UInt64(bytes.count - position) else {
      throw CorruptData("Thrift string of \(length) bytes runs past the end")
    }
    defer { position += Int(length) }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
  }

  mutating func readString() throws -> String { String(decoding: try readBinary(), as: UTF8.self) }

  mutating func readDouble() throws -> Double {
    guard bytes.count - position >= 8 else { throw CorruptData("Thrift double runs past the end") }
    var bits: UInt64 = 0
    for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
    position += 8
    return Double(bitPattern: bits)
  }

  // MARK: - Structures

  mutating func beginStruct() throws {
    depth += 1
    guard depth < 64 else { throw CorruptData("Thrift structures nested more than 64 deep") }
    lastFieldIDs.append(lastFieldID)
    lastFieldID = 0
  }

  mutating func endStruct() {
    depth -= 1
    lastFieldID = lastFieldIDs.popLast() ?? 0
  }

  /// The next field's id and type, or nil at the end of the structure.
  mutating func readFieldHeader() throws -> (id: Int16, type: FieldType)? {
    let byte = try readByte()
    guard let type = FieldType(rawValue: byte & 0x0f) else { throw CorruptData("unknown Thrift type \(byte & 0x0f)") }
    if type == .stop { return nil }
    let delta = Int16(byte >> 4)
    if delta == 0 {
      let v = try readI64()
      guard let id = Int16(exactly: v) else { throw CorruptData("Thrift field id \(v) out of range") }
      lastFieldID = id
    } else {
      lastFieldID &+= delta
    }
    return (lastFieldID, type)
  }

  /// A list header: element count and type.
  mutating func readListHeader() throws -> (count: Int, type: FieldType) {
    let byte = try readByte()
    guard let type = FieldType(rawValue: byte & 0x0f) else { throw CorruptData("unknown Thrift type \(byte & 0x0f)") }
    var count = Int(byte >> 4)
    if count == 15 {
      let v = try readVarint()
      guard v <= UInt64(bytes.count - position) else { throw CorruptData("Thrift list of \(v) elements is too long") }
      count = Int(v)
    }
    return (count, type)
  }

  /// Reads a boolean field's value (compact protocol stores it in the type).
  func boolValue(_ type: FieldType) -> Bool { type == .boolTrue }

  /// Skips a value of `type`.
  mutating func skip(_ type: FieldType) throws {
    switch type {
    case .stop: throw CorruptData("unexpected Thrift stop")
    case .boolTrue, .boolFalse: break
    case .byte: _ = try readByte()
    case .i16, .i32, .i64: _ = try readVarint()
    case .double: _ = try readDouble()
    case .binary: _ = try readBinary()
    case .list, .set:
      let (count, element) = try readListHeader()
      for _ in 0..<count {
        if element == .boolTrue || element == .boolFalse { _ = try readByte() } else { try skip(element) }
      }
    case .map:
      let count = try readVarint()
      guard count <= UInt64(bytes.count - position) else { throw CorruptData("Thrift map too long") }
      if count > 0 {
        let kinds = try readByte()
        guard let key = FieldType(rawValue: kinds >> 4), let value = FieldType(rawValue: kinds & 0x0f) else {
          throw CorruptData("unknown Thrift map types")
        }
        for _ in 0..<count {
          try skip(key)
          try skip(value)
        }
      }
    case .structure:
      try beginStruct()
      while let field = try readFieldHeader() { try skip(field.type) }
      endStruct()
    }
  }

  /// Reads a structure, calling `field` for each field; unknown fields must be skipped by the callee.
  mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, FieldType) throws -> Void) throws {
    try beginStruct()
    while let header = try readFieldHeader() { try field(&self, header.id, header.type) }
    endStruct()
  }

  /// Reads a list, calling `element` once per element.
  mutating func readList(_ element: (inout ThriftCompactReader, FieldType) throws -> Void) throws {
    let (count, type) = try readListHeader()
    for _ in 0..<count { try element(&self, type) }
  }
}
