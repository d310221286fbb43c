/// Parquet's physical storage types.
public enum ParquetPhysicalType: Int32, Sendable, CaseIterable {
  case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

  /// The name Parquet's specification uses.
  public var name: String {
    switch self {
    case .boolean: "BOOLEAN"
    case .int32: "INT32"
    case .int64: "INT64"
    case .int96: "INT96"
    case .float: "FLOAT"
    case .double: "DOUBLE"
    case .byteArray: "BYTE_ARRAY"
    case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
    }
  }
}

/// Compression codecs by their Parquet ids.
public enum ParquetCodec: Int32, Sendable, CaseIterable {
  case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

  /// The name Parquet's specification uses.
  public var name: String {
    switch self {
    case .uncompressed: "UNCOMPRESSED"
    case .snappy: "SNAPPY"
    case .gzip: "GZIP"
    case .lzo: "LZO"
    case .brotli: "BROTLI"
    case .lz4: "LZ4"
    case .zstd: "ZSTD"
    case .lz4Raw: "LZ4_RAW"
    }
  }
}

/// One leaf column of the schema, as the reader sees it.
public struct ParquetColumnDescriptor: Sendable, Equatable {
  /// Column name; for a nested leaf, its dotted path (`a.list.element`).
  public let name: String
  /// How values are stored.
  public let physicalType: ParquetPhysicalType
  /// Bit width of an integer annotation (`INT(8, true)` → 8), nil without one.
  public let intBitWidth: Int?
  /// Whether an integer annotation is signed (true without one).
  public let isSigned: Bool
  /// Whether the values are UTF-8 strings (`STRING` / `UTF8` annotation).
  public let isString: Bool
  /// Whether the column may hold nulls (`optional`), so pages carry definition levels.
  public let isOptional: Bool
  /// Whether the leaf sits inside a group (LIST, MAP, STRUCT) or is repeated. `readColumn` refuses such a
  /// column with a `ParquetError` naming it; `ParquetFile.readField(named:)` reads its top-level field.
  public let isNested: Bool
  /// Bytes per value of a FIXED_LEN_BYTE_ARRAY column (12 for INT96), nil for other types.
  public var fixedLength: Int? = nil
  /// The scale of a `DECIMAL` annotation (value = unscaled × 10^-scale), nil without one.
  public var decimalScale: Int? = nil
  /// Whether a FIXED_LEN_BYTE_ARRAY(2) column holds IEEE half-precision floats (`FLOAT16`).
  public var isFloat16 = false
}

// MARK: - Footer metadata (internal)

/// The parts of Parquet's FileMetaData the reader uses.
struct FileMetaData {
  struct SchemaElement {
    var type: Int32?
    var repetition: Int32?
    var name = ""
    var childCount: Int?
    var convertedType: Int32?
    var intBitWidth: Int?
    var intSigned = true
    var isStringLogical = false
    var typeLength: Int?
    var scale: Int?
    var isDecimalLogical = false
    var isFloat16Logical = false
  }

  struct ColumnChunk {
    var type: Int32 = -1
    var path: [String] = []
    var codec: Int32 = 0
    var valueCount: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = -1
    var dictionaryPageOffset: Int64?
  }

  struct RowGroup {
    var columns: [ColumnChunk] = []
    var rowCount: Int64 = 0
  }

  var schema: [SchemaElement] = []
  var rowCount: Int64 = 0
  var rowGroups: [RowGroup] = []
  var keyValues: [String: String] = [:]
  var createdBy: String?

  init(_ reader: inout ThriftCompactReader) throws {
    try reader.readStruct { r, id, type in
      switch (id, type) {
      case (2, .list): try r.readList { r, _ in self.schema.append(try Self.schemaElement(&r)) }
      case (3, .i64): self.rowCount = try r.readI64()
      case (4, .list): try r.readList { r, _ in self.rowGroups.append(try Self.rowGroup(&r)) }
      case (5, .list):
        try r.readList { r, _ in
          var key = ""
          var value = ""
          try r.readStruct { r, id, type in
            switch (id, type) {
            case (1, .binary): key = try r.readString()
            case (2, .binary): value = try r.readString()
            default: try r.skip(type)
            }
          }
          self.keyValues[key] = value
        }
      case (6, .binary): self.createdBy = try r.readString()
      default: try r.skip(type)
      }
    }
  }

  private static func schemaElement(_ r: inout ThriftCompactReader) throws -> SchemaElement {
    var e = SchemaElement()
    try r.readStruct { r, id, type in
      switch (id, type) {
      case (1, .i32): e.type = try r.readI32()
      case (2, .i32): e.typeLength = try r.readCount("fixed length")
      case (3, .i32): e.repetition = try r.readI32()
      case (4, .binary): e.name = try r.readString()
      case (5, .i32): e.childCount = try r.readCount("schema child count")
      case (6, .i32): e.convertedType = try r.readI32()
      case (7, .i32): e.scale = Int(try r.readI32())
      case (10, .structure):
        try r.readStruct { r, id, type in
          switch (id, type) {
          case (1, .structure):
            e.isStringLogical = true
            try r.skip(type)
          case (5, .structure):
            e.isDecimalLogical = true
            try r.readStruct { r, id, type in
              switch (id, type) {
              case (1, .i32): e.scale = Int(try r.readI32())
              default: try r.skip(type)
              }
            }
          case (15, .structure):
            e.isFloat16Logical = true
            try r.skip(type)
          case (10, .structure):
            try r.readStruct { r, id, type in
              switch (id, type) {
              case (1, .byte): e.intBitWidth = Int(Int8(bitPattern: try r.readByte()))
              case (2, .boolTrue), (2, .boolFalse): e.intSigned = r.boolValue(type)
              default: try r.skip(type)
              }
            }
          default: try r.skip(type)
          }
        }
      default: try r.skip(type)
      }
    }
    return e
  }

  private static func rowGroup(_ r: inout ThriftCompactReader) throws -> RowGroup {
    var group = RowGroup()
    try r.readStruct { r, id, type in
      switch (id, type) {
      case (1, .list): try r.readList { r, _ in group.columns.append(try columnChunk(&r)) }
      case (3, .i64): group.rowCount = try r.readI64()
      default: try r.skip(type)
      }
    }
    return group
  }

  private static func columnChunk(_ r: inout ThriftCompactReader) throws -> ColumnChunk {
    var chunk = ColumnChunk()
    try r.readStruct { r, id, type in
      guard id == 3, type == .structure else { return try r.skip(type) }
      try r.readStruct { r, id, type in
        switch (id, type) {
        case (1, .i32): chunk.type = try r.readI32()
        case (3, .list): try r.readList { r, _ in chunk.path.append(try r.readString()) }
        case (4, .i32): chunk.codec = try r.readI32()
        case (5, .i64): chunk.valueCount = try r.readI64()
        case (7, .i64): chunk.totalCompressedSize = try r.readI64()
        case (9, .i64): chunk.dataPageOffset = try r.readI64()
        case (11, .i64): chunk.dictionaryPageOffset = try r.readI64()
        default: try r.skip(type)
        }
      }
    }
    return chunk
  }
}

/// A page header: the parts of Parquet's PageHeader the reader uses.
struct PageHeader {
  enum Kind: Int32 { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }
  var type: Int32 = -1
  var uncompressedSize = 0
  var compressedSize = 0
  var valueCount = 0
  var encoding: Int32 = 0
  var definitionLevelEncoding: Int32 = 3
  // Data page v2 only.
  var nullCount = 0
  var definitionLevelsByteLength = 0
  var repetitionLevelsByteLength = 0
  var isCompressed = true

  init(_ r: inout ThriftCompactReader) throws {
    try r.readStruct { r, id, type in
      switch (id, type) {
      case (1, .i32): self.type = try r.readI32()
      case (2, .i32): self.uncompressedSize = try r.readCount("uncompressed page size")
      case (3, .i32): self.compressedSize = try r.readCount("compressed page size")
      case (5, .structure), (7, .structure):
        try r.readStruct { r, id, type in
          switch (id, type) {
          case (1, .i32): self.valueCount = try r.readCount("page value count")
          case (2, .i32): self.encoding = try r.readI32()
          case (3, .i32): self.definitionLevelEncoding = try r.readI32()
          default: try r.skip(type)
          }
        }
      case (8, .structure):
        try r.readStruct { r, id, type in
          switch (id, type) {
          case (1, .i32): self.valueCount = try r.readCount("page value count")
          case (2, .i32): self.nullCount = try r.readCount("page null count")
          case (4, .i32): self.encoding = try r.readI32()
          case (5, .i32): self.definitionLevelsByteLength = try r.readCount("definition levels length")
          case (6, .i32): self.repetitionLevelsByteLength = try r.readCount("repetition levels length")
          case (7, .boolTrue), (7, .boolFalse): self.isCompressed = r.boolValue(type)
          default: try r.skip(type)
          }
        }
      default: try r.skip(type)
      }
    }
  }
}
