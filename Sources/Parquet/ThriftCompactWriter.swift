/// Writes the Thrift compact protocol: the footer and page headers of the files `ParquetWriter` makes.
struct ThriftCompactWriter {
  private(set) var bytes: [UInt8] = []
  private var lastFieldIDs: [Int16] = []
  private var lastFieldID: Int16 = 0

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7f) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  private mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

  private mutating func fieldHeader(_ id: Int16, _ type: ThriftCompactReader.FieldType) {
    let delta = id - lastFieldID
    if delta > 0 && delta <= 15 {
      bytes.append(UInt8(delta) << 4 | type.rawValue)
    } else {
      bytes.append(type.rawValue)
      zigzag(Int64(id))
    }
    lastFieldID = id
  }

  mutating func i32(_ id: Int16, _ v: Int32) {
    fieldHeader(id, .i32)
    zigzag(Int64(v))
  }

  mutating func i64(_ id: Int16, _ v: Int64) {
    fieldHeader(id, .i64)
    zigzag(v)
  }

  mutating func byte(_ id: Int16, _ v: UInt8) {
    fieldHeader(id, .byte)
    bytes.append(v)
  }

  mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }

  mutating func string(_ id: Int16, _ s: String) {
    fieldHeader(id, .binary)
    rawString(s)
  }

  private mutating func rawString(_ s: String) {
    let utf8 = Array(s.utf8)
    varint(UInt64(utf8.count))
    bytes.append(contentsOf: utf8)
  }

  /// A structure field whose fields `body` writes.
  mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
    fieldHeader(id, .structure)
    structBody(body)
  }

  /// The fields of a structure and its stop byte (for top-level and list elements).
  mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
    lastFieldIDs.append(lastFieldID)
    lastFieldID = 0
    body(&self)
    bytes.append(0)
    lastFieldID = lastFieldIDs.removeLast()
  }

  private mutating func listHeader(_ id: Int16, count: Int, _ type: ThriftCompactReader.FieldType) {
    fieldHeader(id, .list)
    if count < 15 {
      bytes.append(UInt8(count) << 4 | type.rawValue)
    } else {
      bytes.append(0xf0 | type.rawValue)
      varint(UInt64(count))
    }
  }

  mutating func structList<T>(_ id: Int16, _ elements: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
    listHeader(id, count: elements.count, .structure)
    for e in elements { structBody { body(&$0, e) } }
  }

  mutating func i32List(_ id: Int16, _ values: [Int32]) {
    listHeader(id, count: values.count, .i32)
    for v in values { zigzag(Int64(v)) }
  }

  mutating func stringList(_ id: Int16, _ values: [String]) {
    listHeader(id, count: values.count, .binary)
    for v in values { rawString(v) }
  }
}
