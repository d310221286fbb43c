/// One data page after decompression and level decoding, valid only inside the callback that receives it.
struct DataPage {
  /// Rows (values including nulls) in the page.
  var rowCount: Int
  /// Definition level per row (1 = present) or nil when every row is present.
  var present: UnsafeBufferPointer<UInt32>?
  /// Non-null values in the page.
  var valueCount: Int
  /// The non-null values.
  var values: PageValues
}

/// How a page stores its non-null values.
enum PageValues {
  /// PLAIN-encoded values.
  case plain(UnsafeRawBufferPointer)
  /// Indices into the chunk's dictionary (already range-checked).
  case dictionary(UnsafeBufferPointer<UInt32>)
}

/// Walks the pages of one column chunk: decompresses them, decodes definition levels and dictionary
/// indices, and hands each page to the caller. Reuses its buffers from page to page, so decoding a chunk
/// holds one page (plus the dictionary) at a time.
///
/// Everything read from the file is untrusted: offsets, sizes and counts are checked against the chunk,
/// and a failure is a `CorruptData` naming what was wrong.
struct ColumnChunkDecoder {
  let file: UnsafeRawBufferPointer
  let chunk: FileMetaData.ColumnChunk
  let isOptional: Bool
  let physicalType: ParquetPhysicalType
  /// Bytes per value of FIXED_LEN_BYTE_ARRAY and INT96 columns.
  var fixedLength: Int? = nil
  /// Bytes a page may run past the chunk's declared end: old parquet-mr writers (before 1.2.9, PARQUET-816)
  /// under-reported chunk sizes, and readers (Arrow) tolerate up to 100 bytes for their files.
  var sizePadding = 0
  /// The levels of a nested leaf (nil for a flat column, whose definition levels `isOptional` describes).
  let nested: NestedLevelDecoder?
  private let levels = ScratchBuffer()
  private let indices = ScratchBuffer()

  init(
    file: UnsafeRawBufferPointer, chunk: FileMetaData.ColumnChunk, isOptional: Bool, physicalType: ParquetPhysicalType,
    nested: NestedLevelDecoder? = nil
  ) {
    self.nested = nested
    self.file = file
    self.chunk = chunk
    self.isOptional = isOptional
    self.physicalType = physicalType
  }

  /// Decodes the chunk: `dictionary(plainValues, count)` once if there is a dictionary page, then `page`
  /// per data page, in row order.
  mutating func decode(
    dictionary: (UnsafeRawBufferPointer, Int) throws -> Void, page: (DataPage) throws -> Void
  ) throws {
    guard let codec = ParquetCodec(rawValue: chunk.codec) else { throw CorruptData("unknown codec id \(chunk.codec)") }
    guard codec != .lzo else {
      throw CorruptData("codec LZO is not supported (expected UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4, LZ4_RAW or BROTLI)")
    }
    // An empty chunk has no pages to read; writers may leave its offsets at 0.
    guard chunk.valueCount > 0 else { return }
    var start = chunk.dataPageOffset
    if let d = chunk.dictionaryPageOffset, d > 0, d < start { start = d }
    let declaredEnd = start + chunk.totalCompressedSize
    guard start >= 4, chunk.totalCompressedSize >= 0, declaredEnd <= Int64(file.count - 8) else {
      throw CorruptData("column chunk at bytes \(start)..<\(declaredEnd) lies outside the file's \(file.count) bytes")
    }
    let end = min(declaredEnd + Int64(sizePadding), Int64(file.count - 8))
    var position = Int(start)
    var valuesLeft = chunk.valueCount
    var dictionaryCount: Int?
    while valuesLeft > 0 {
      guard position < Int(end) else {
        throw CorruptData("column chunk ends with \(valuesLeft) of \(chunk.valueCount) values missing")
      }
      var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: file[..<Int(end)]), position: position)
      let header = try PageHeader(&reader)
      let bodyStart = reader.position
      guard header.compressedSize <= Int(end) - bodyStart else {
        throw CorruptData("page of \(header.compressedSize) bytes at byte \(bodyStart) runs past its column chunk")
      }
      let body = UnsafeRawBufferPointer(rebasing: file[bodyStart..<(bodyStart + header.compressedSize)])
      position = bodyStart + header.compressedSize
      switch PageHeader.Kind(rawValue: header.type) {
      case .dictionary:
        guard dictionaryCount == nil else { throw CorruptData("second dictionary page in one column chunk") }
        guard header.encoding == 0 || header.encoding == 2 else {
          throw CorruptData("dictionary page encoding \(header.encoding), expected PLAIN")
        }
        let plain = try decompress(body, codec: codec, size: header.uncompressedSize)
        try plain.withUnsafeBytes { try dictionary($0, header.valueCount) }
        dictionaryCount = header.valueCount
      case .data, .dataV2:
        guard header.valueCount <= max(1 << 20, 64 * header.uncompressedSize) else {
          throw CorruptData("page declares \(header.valueCount) values in \(header.uncompressedSize) bytes")
        }
        guard Int64(header.valueCount) <= valuesLeft else {
          throw CorruptData("page holds \(header.valueCount) values, only \(valuesLeft) left in the chunk")
        }
        try decodeDataPage(header, body: body, codec: codec, dictionaryCount: dictionaryCount, page: page)
        valuesLeft -= Int64(header.valueCount)
      case .index: continue
      case nil: throw CorruptData("unknown page type \(header.type)")
      }
    }
  }

  private mutating func decodeDataPage(
    _ header: PageHeader, body: UnsafeRawBufferPointer, codec: ParquetCodec, dictionaryCount: Int?,
    page: (DataPage) throws -> Void
  ) throws {
    if header.type == PageHeader.Kind.dataV2.rawValue {
      // v2: repetition then definition levels, uncompressed and without length prefixes, in front of the
      // (maybe compressed) values. A flat column has no repetition levels to read; some writers (parquet-rs)
      // still store them, all zero, so they are skipped.
      let repetitionLength = header.repetitionLevelsByteLength
      let levelLength = header.definitionLevelsByteLength + repetitionLength
      guard levelLength <= body.count, levelLength <= header.uncompressedSize else {
        throw CorruptData("page levels of \(levelLength) bytes exceed the page")
      }
      let levelBytes = UnsafeRawBufferPointer(rebasing: body[(nested == nil ? repetitionLength : 0)..<levelLength])
      let stored = UnsafeRawBufferPointer(rebasing: body[levelLength...])
      // A page of nulls only may store no values at all: nothing to decompress (an empty input is not a
      // valid Snappy or gzip stream).
      let hasValues = header.uncompressedSize > levelLength || !stored.isEmpty
      if header.isCompressed && codec != .uncompressed && hasValues {
        let values = try decompress(stored, codec: codec, size: header.uncompressedSize - levelLength)
        try values.withUnsafeBytes {
          try decodeValues(header, levels: levelBytes, values: $0, dictionaryCount: dictionaryCount, page: page)
        }
      } else {
        try decodeValues(header, levels: levelBytes, values: stored, dictionaryCount: dictionaryCount, page: page)
      }
    } else if codec == .uncompressed {
      guard body.count == header.uncompressedSize else {
        throw CorruptData("uncompressed page of \(body.count) bytes declares \(header.uncompressedSize)")
      }
      try decodeV1(header, body, dictionaryCount: dictionaryCount, page: page)
    } else {
      let data = try decompress(body, codec: codec, size: header.uncompressedSize)
      try data.withUnsafeBytes { try decodeV1(header, $0, dictionaryCount: dictionaryCount, page: page) }
    }
  }

  /// A v1 page body: definition levels (RLE, 4-byte length prefix) when the column is optional, then values.
  private mutating func decodeV1(
    _ header: PageHeader, _ bytes: UnsafeRawBufferPointer, dictionaryCount: Int?, page: (DataPage) throws -> Void
  ) throws {
    if let nested {
      let split = try nested.levelsLengthV1(bytes)
      return try decodeValues(
        header, levels: UnsafeRawBufferPointer(rebasing: bytes[..<split]),
        values: UnsafeRawBufferPointer(rebasing: bytes[split...]), dictionaryCount: dictionaryCount, page: page)
    }
    guard isOptional else {
      return try decodeValues(
        header, levels: UnsafeRawBufferPointer(start: nil, count: 0), values: bytes, dictionaryCount: dictionaryCount,
        page: page)
    }
    guard header.definitionLevelEncoding == 3 else {
      throw CorruptData("definition level encoding \(header.definitionLevelEncoding), expected RLE")
    }
    guard bytes.count >= 4 else { throw CorruptData("page too short for its definition levels") }
    let length = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
    guard length <= bytes.count - 4 else { throw CorruptData("definition levels of \(length) bytes exceed the page") }
    try decodeValues(
      header, levels: UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + length)]),
      values: UnsafeRawBufferPointer(rebasing: bytes[(4 + length)...]), dictionaryCount: dictionaryCount, page: page)
  }

  /// Decodes levels and dictionary indices of a page whose bytes are ready, and hands it on.
  private mutating func decodeValues(
    _ header: PageHeader, levels levelBytes: UnsafeRawBufferPointer, values valueBytes: UnsafeRawBufferPointer,
    dictionaryCount: Int?, page: (DataPage) throws -> Void
  ) throws {
    let rows = header.valueCount
    let (present, valueCount) =
      try nested?.decode(levelBytes, header: header) ?? definitionLevels(levelBytes, rows: rows)
    if let plain = try reencodedAsPlain(header.encoding, valueBytes, count: valueCount) {
      return try plain.withUnsafeBytes {
        try page(DataPage(rowCount: rows, present: present, valueCount: valueCount, values: .plain($0)))
      }
    }
    let values: PageValues
    switch header.encoding {
    case 0:
      values = .plain(valueBytes)
    case 2, 8:
      guard let dictionaryCount else { throw CorruptData("dictionary-encoded page without a dictionary page") }
      guard let width = valueBytes.first.map(Int.init) else { throw CorruptData("empty dictionary-encoded page") }
      let out = indices.reserve(valueCount)
      let largest = try RLEHybrid.decode(
        UnsafeRawBufferPointer(rebasing: valueBytes[1...]), bitWidth: width, count: valueCount, into: out.baseAddress!)
      guard valueCount == 0 || Int(largest) < dictionaryCount else {
        throw CorruptData("dictionary index \(largest) out of range (dictionary holds \(dictionaryCount) values)")
      }
      values = .dictionary(UnsafeBufferPointer(out))
    default:
      throw CorruptData(
        "value encoding \(header.encoding) is not supported for \(physicalType.name) (expected PLAIN, RLE_DICTIONARY, "
          + "RLE for BOOLEAN, DELTA_BINARY_PACKED for INT32 and INT64, DELTA_(LENGTH_)BYTE_ARRAY for BYTE_ARRAY, "
          + "BYTE_STREAM_SPLIT for INT32, INT64, FLOAT, DOUBLE and FIXED_LEN_BYTE_ARRAY)")
    }
    try page(DataPage(rowCount: rows, present: present, valueCount: valueCount, values: values))
  }

  /// Definition levels of an optional column: which rows are present (nil when all are) and how many values.
  private mutating func definitionLevels(_ levelBytes: UnsafeRawBufferPointer, rows: Int) throws
    -> (present: UnsafeBufferPointer<UInt32>?, valueCount: Int)
  {
    guard isOptional, !RLEHybrid.isAllOnes(levelBytes, count: rows) else { return (nil, rows) }
    let out = levels.reserve(rows)
    let largest = try RLEHybrid.decode(levelBytes, bitWidth: 1, count: rows, into: out.baseAddress!)
    guard largest <= 1 else { throw CorruptData("definition level \(largest), expected 0 or 1") }
    var count = 0
    for r in 0..<rows { count &+= Int(out[r]) }
    return (count != rows ? UnsafeBufferPointer(out) : nil, count)
  }

  /// Values of an encoding the readers take as PLAIN once re-encoded (RLE booleans, the DELTA encodings,
  /// BYTE_STREAM_SPLIT); nil for PLAIN and dictionary pages, which are read in place.
  private func reencodedAsPlain(_ encoding: Int32, _ valueBytes: UnsafeRawBufferPointer, count: Int) throws -> [UInt8]? {
    switch encoding {
    case 3 where physicalType == .boolean: try rleBooleansAsPlain(valueBytes, count: count)
    case 5 where physicalType == .int32 || physicalType == .int64:
      try DeltaBinaryPacked.plain(valueBytes, count: count, as: physicalType)
    case 6 where physicalType == .byteArray: try DeltaByteArrays.plainFromLengths(valueBytes, count: count)
    case 7 where physicalType == .byteArray: try DeltaByteArrays.plainFromPrefixes(valueBytes, count: count)
    case 9 where ByteStreamSplit.width(of: physicalType, fixedLength: fixedLength) != nil:
      try ByteStreamSplit.plain(
        valueBytes, count: count, width: ByteStreamSplit.width(of: physicalType, fixedLength: fixedLength)!)
    default: nil
    }
  }

  /// RLE booleans (pyarrow's choice in v2 pages): a 4-byte length, then the hybrid with bit width 1, re-packed
  /// as PLAIN bits for the readers.
  private func rleBooleansAsPlain(_ valueBytes: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
    guard valueBytes.count >= 4 else { throw CorruptData("RLE boolean page too short") }
    let length = Int(valueBytes.loadUnaligned(as: UInt32.self).littleEndian)
    guard length <= valueBytes.count - 4 else { throw CorruptData("RLE booleans of \(length) bytes exceed the page") }
    let bits = indices.reserve(count)
    try RLEHybrid.decode(
      UnsafeRawBufferPointer(rebasing: valueBytes[4..<(4 + length)]), bitWidth: 1, count: count,
      into: bits.baseAddress!)
    var packed = [UInt8](repeating: 0, count: (count + 7) / 8)
    for k in 0..<count where bits[k] != 0 { packed[k >> 3] |= 1 << UInt8(k & 7) }
    return packed
  }

  /// The page body decompressed to exactly `size` bytes (a copy for UNCOMPRESSED).
  private func decompress(_ body: UnsafeRawBufferPointer, codec: ParquetCodec, size: Int) throws -> [UInt8] {
    guard size >= 0, size <= 1 << 30 else { throw CorruptData("page declares \(size) uncompressed bytes") }
    if codec == .uncompressed {
      guard body.count == size else { throw CorruptData("uncompressed page of \(body.count) bytes declares \(size)") }
      return [UInt8](body)
    }
    return try [UInt8](unsafeUninitializedCapacity: size) { out, count in
      let raw = UnsafeMutableRawBufferPointer(out)
      switch codec {
      case .snappy: try Snappy.decompress(body, into: raw)
      case .gzip: try SystemCodecs.gunzip(body, into: raw)
      case .zstd: try SystemCodecs.unzstd(body, into: raw)
      case .lz4Raw: try LZ4.decompressRaw(body, into: raw)
      case .lz4: try LZ4.decompressHadoopOrRaw(body, into: raw)
      case .brotli: try SystemCodecs.unbrotli(body, into: raw)
      default: throw CorruptData("codec \(codec.name) is not supported")
      }
      count = size
    }
  }
}

/// A growable scratch array of `UInt32` with a stable address, reused from page to page.
final class ScratchBuffer {
  private var storage = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 0)

  /// The first `count` elements (contents unspecified), growing the storage when needed.
  func reserve(_ count: Int) -> UnsafeMutableBufferPointer<UInt32> {
    if storage.count < count {
      storage.deallocate()
      storage = .allocate(capacity: count)
    }
    return UnsafeMutableBufferPointer(rebasing: storage[..<count])
  }

  deinit { storage.deallocate() }
}
