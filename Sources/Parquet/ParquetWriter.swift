import Foundation

/// One column to write: a name and its values. NaN floats are written as nulls (as pandas does).
public enum ParquetWriteColumn: Sendable {
  /// Int8 values, stored as INT32 with the `INT(8, signed)` annotation (how pyarrow stores int8).
  case int8(String, [Int8])
  case int32(String, [Int32])
  case int64(String, [Int64])
  /// Float32 values; NaN becomes null.
  case float(String, [Float])
  /// Float64 values; NaN becomes null.
  case double(String, [Double])
  /// UTF-8 strings.
  case string(String, [String])

  /// The column's name.
  public var name: String {
    switch self {
    case .int8(let n, _), .int32(let n, _), .int64(let n, _), .float(let n, _), .double(let n, _), .string(let n, _): n
    }
  }

  var count: Int {
    switch self {
    case .int8(_, let v): v.count
    case .int32(_, let v): v.count
    case .int64(_, let v): v.count
    case .float(_, let v): v.count
    case .double(_, let v): v.count
    case .string(_, let v): v.count
    }
  }
}

/// Writes flat Parquet files that pyarrow and pandas read back exactly: every column `optional`, data pages
/// v1, dictionary encoding (PLAIN dictionary page + RLE_DICTIONARY pages) where it pays, else PLAIN (or
/// BYTE_STREAM_SPLIT for floats, on request), with Snappy, ZSTD (at a chosen level) or no compression.
///
/// The file is written to a temporary name next to `path` and renamed at the end, so a failed write never
/// leaves a partial file behind.
public struct ParquetWriter: Sendable {
  /// Page compression.
  public enum Codec: Sendable, Equatable {
    case uncompressed, snappy
    /// Zstandard at `level` (1…22; pyarrow's default is 1, zstd's own 3), by the system's libzstd.
    case zstd(level: Int)

    /// The codec's id in the file.
    var id: Int32 {
      switch self {
      case .uncompressed: ParquetCodec.uncompressed.rawValue
      case .snappy: ParquetCodec.snappy.rawValue
      case .zstd: ParquetCodec.zstd.rawValue
      }
    }
  }

  /// How FLOAT and DOUBLE columns store their values.
  public enum FloatEncoding: Sendable {
    /// Dictionary where it pays, else PLAIN (pyarrow's default).
    case plain
    /// BYTE_STREAM_SPLIT, never a dictionary: byte k of every value together, which compresses continuous
    /// values (predictions, raw targets) better.
    case byteStreamSplit
  }

  /// Compression of every page.
  public var codec: Codec
  /// Rows per row group.
  public var rowGroupRows: Int
  /// Whether to dictionary-encode columns with few distinct values.
  public var dictionary: Bool
  /// Rows per data page.
  public var pageRows: Int
  /// How float columns store their values.
  public var floatEncoding: FloatEncoding

  /// A writer with pyarrow's defaults (Snappy, dictionaries, 1 Mi-row groups, 20 k-row pages).
  public init(
    codec: Codec = .snappy, rowGroupRows: Int = 1_048_576, dictionary: Bool = true, pageRows: Int = 20_000,
    floatEncoding: FloatEncoding = .plain
  ) {
    self.codec = codec
    self.floatEncoding = floatEncoding
    self.rowGroupRows = max(1, rowGroupRows)
    self.dictionary = dictionary
    self.pageRows = max(1, pageRows)
  }

  /// Writes `columns` (each `rowCount` values) to `path` with optional footer metadata.
  public func write(
    _ columns: [ParquetWriteColumn], rowCount: Int, to path: String, metadata: [String: String] = [:]
  ) throws {
    let stream = try ParquetStreamWriter(path: path, writer: self)
    try stream.append(columns, rowCount: rowCount)
    try stream.finish(metadata: metadata)
  }

  // MARK: - Row groups and footer

  /// One written row group: its column chunks, rows and total compressed bytes.
  struct RowGroupInfo {
    var columns: [ChunkInfo]
    var rows: Int
    var bytes: Int
  }

  /// The bytes of one row group over `rows` of `columns`, to be written at `fileOffset`, and its footer entry.
  /// The columns are encoded in parallel, each into its own buffer.
  func rowGroup(
    _ columns: [ParquetWriteColumn], rows: Range<Int>, fileOffset: Int
  ) throws -> (bytes: [UInt8], info: RowGroupInfo) {
    let chunks = ColumnOutcomes<EncodedChunk>(count: columns.count)
    let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, columns.count))
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      for c in stride(from: t, to: columns.count, by: threads) {
        if chunks.hasFailure { return }
        chunks.set(c, Result {
          var bytes: [UInt8] = []
          let info = try writeChunk(columns[c], rows: rows, fileOffset: 0, into: &bytes)
          return EncodedChunk(bytes: bytes, info: info)
        })
      }
    }
    var bytes: [UInt8] = []
    var infos: [ChunkInfo] = []
    for result in try chunks.values() {
      var info = result.info
      info.shift(by: fileOffset + bytes.count)
      bytes += result.bytes
      infos.append(info)
    }
    return (bytes, RowGroupInfo(columns: infos, rows: rows.count, bytes: infos.reduce(0) { $0 + $1.compressedSize }))
  }

  /// The FileMetaData structure: schema, row count, row groups, key-value metadata and the writer's name.
  func footer(
    _ columns: [ParquetWriteColumn], rowCount: Int, rowGroups: [RowGroupInfo], metadata: [String: String]
  ) -> [UInt8] {
    var footer = ThriftCompactWriter()
    footer.structBody { w in
      w.i32(1, 1)
      var schema: [ParquetWriteColumn?] = [nil]
      schema += columns.map { Optional($0) }
      w.structList(2, schema) { w, column in
        guard let column else {
          w.string(4, "schema")
          w.i32(5, Int32(columns.count))
          return
        }
        Self.schemaElement(column, into: &w)
      }
      w.i64(3, Int64(rowCount))
      w.structList(4, rowGroups) { w, group in rowGroup(group, into: &w) }
      if !metadata.isEmpty {
        w.structList(5, metadata.sorted { $0.key < $1.key }) { w, kv in
          w.string(1, kv.key)
          w.string(2, kv.value)
        }
      }
      w.string(6, "SignalMiner")
    }
    return footer.bytes
  }

  /// One RowGroup structure of the footer, with a ColumnChunk per column.
  private func rowGroup(_ group: RowGroupInfo, into w: inout ThriftCompactWriter) {
    w.structList(1, group.columns) { w, chunk in
      w.i64(2, Int64(chunk.fileOffset))
      w.structure(3) { w in
        w.i32(1, chunk.physicalType.rawValue)
        w.i32List(2, chunk.encodings)
        w.stringList(3, [chunk.name])
        w.i32(4, codec.id)
        w.i64(5, Int64(group.rows))
        w.i64(6, Int64(chunk.uncompressedSize))
        w.i64(7, Int64(chunk.compressedSize))
        w.i64(9, Int64(chunk.dataPageOffset))
        if let d = chunk.dictionaryPageOffset { w.i64(11, Int64(d)) }
      }
    }
    w.i64(2, Int64(group.bytes))
    w.i64(3, Int64(group.rows))
  }

  // MARK: - Column chunks

  /// One column chunk's bytes, its offsets relative to its own start.
  struct EncodedChunk: Sendable {
    var bytes: [UInt8]
    var info: ChunkInfo
  }

  struct ChunkInfo: Sendable {
    var name: String
    var physicalType: ParquetPhysicalType
    var encodings: [Int32]
    var fileOffset: Int
    var dataPageOffset: Int
    var dictionaryPageOffset: Int?
    var uncompressedSize: Int
    var compressedSize: Int

    /// Moves the chunk's offsets `delta` bytes later in the file.
    mutating func shift(by delta: Int) {
      fileOffset += delta
      dataPageOffset += delta
      dictionaryPageOffset = dictionaryPageOffset.map { $0 + delta }
    }
  }

  private static func schemaElement(_ column: ParquetWriteColumn, into w: inout ThriftCompactWriter) {
    let type: ParquetPhysicalType
    switch column {
    case .int8, .int32: type = .int32
    case .int64: type = .int64
    case .float: type = .float
    case .double: type = .double
    case .string: type = .byteArray
    }
    w.i32(1, type.rawValue)
    w.i32(3, 1)  // optional
    w.string(4, column.name)
    switch column {
    case .int8:
      w.i32(6, 15)  // INT_8
      w.structure(10) { w in
        w.structure(10) { w in
          w.byte(1, 8)
          w.bool(2, true)
        }
      }
    case .string:
      w.i32(6, 0)  // UTF8
      w.structure(10) { w in w.structure(1) { _ in } }
    default: break
    }
  }

  /// The values of one column over `rows`: PLAIN bytes per value and a validity flag per row.
  private struct Encoded {
    var physicalType: ParquetPhysicalType
    /// PLAIN encoding of each non-null value.
    var plain: [[UInt8]]
    var present: [Bool]
  }

  private static func encode(_ column: ParquetWriteColumn, rows: Range<Int>) -> Encoded {
    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    switch column {
    case .int8(_, let v): return Encoded(physicalType: .int32, plain: rows.map { le(Int32(v[$0])) }, present: rows.map { _ in true })
    case .int32(_, let v): return Encoded(physicalType: .int32, plain: rows.map { le(v[$0]) }, present: rows.map { _ in true })
    case .int64(_, let v): return Encoded(physicalType: .int64, plain: rows.map { le(v[$0]) }, present: rows.map { _ in true })
    case .float(_, let v):
      let present = rows.map { !v[$0].isNaN }
      return Encoded(physicalType: .float, plain: rows.filter { !v[$0].isNaN }.map { le(v[$0].bitPattern) }, present: present)
    case .double(_, let v):
      let present = rows.map { !v[$0].isNaN }
      return Encoded(physicalType: .double, plain: rows.filter { !v[$0].isNaN }.map { le(v[$0].bitPattern) }, present: present)
    case .string(_, let v):
      return Encoded(
        physicalType: .byteArray, plain: rows.map { let u = Array(v[$0].utf8); return le(UInt32(u.count)) + u },
        present: rows.map { _ in true })
    }
  }

  /// Appends one column chunk over `rows`: a dictionary page when dictionary encoding pays, then data pages.
  private func writeChunk(
    _ column: ParquetWriteColumn, rows: Range<Int>, fileOffset: Int, into file: inout [UInt8]
  ) throws -> ChunkInfo {
    let (encoded, dictionary) = encodedValues(column, rows: rows)
    var info = ChunkInfo(
      name: column.name, physicalType: encoded.physicalType, encodings: [], fileOffset: fileOffset,
      dataPageOffset: fileOffset, dictionaryPageOffset: nil, uncompressedSize: 0, compressedSize: 0)
    let split = encoded.physicalType.isFloatingPoint && floatEncoding == .byteStreamSplit
    let valueEncoding: Int32 = dictionary != nil ? 8 : split ? 9 : 0
    if let dictionary {
      info.dictionaryPageOffset = file.count
      let body = dictionary.values.flatMap { $0 }
      try writePage(kind: 2, body: body, valueCount: dictionary.values.count, encoding: 2, into: &file, info: &info)
      info.dataPageOffset = file.count
      info.encodings = [2, 3, 8]
    } else {
      info.encodings = [valueEncoding, 3]
    }
    var valueCursor = 0
    var pageStart = 0
    repeat {
      let pageEnd = min(rows.count, pageStart + pageRows)
      let present = Array(encoded.present[pageStart..<pageEnd])
      let valueCount = present.reduce(0) { $0 + ($1 ? 1 : 0) }
      let values = valueCursor..<(valueCursor + valueCount)
      let body = Self.dataPageBody(
        present: present, values: values, encoded: encoded, dictionary: dictionary, byteStreamSplit: split)
      valueCursor += valueCount
      try writePage(
        kind: 0, body: body, valueCount: pageEnd - pageStart, encoding: valueEncoding, into: &file, info: &info)
      pageStart = pageEnd
    } while pageStart < rows.count
    return info
  }

  /// The column's values over `rows` and their dictionary when one is used. Int8 columns (Numerai's features)
  /// take a direct path: a table of at most 256 entries instead of a PLAIN byte array per value.
  private func encodedValues(_ column: ParquetWriteColumn, rows: Range<Int>) -> (Encoded, DictionaryEncoding?) {
    if dictionary, case .int8(_, let values) = column {
      let present = [Bool](repeating: true, count: rows.count)
      return (Encoded(physicalType: .int32, plain: [], present: present), DictionaryEncoding(int8: values[rows]))
    }
    let encoded = Self.encode(column, rows: rows)
    let split = encoded.physicalType.isFloatingPoint && floatEncoding == .byteStreamSplit
    return (encoded, dictionary && !split ? DictionaryEncoding(encoded.plain) : nil)
  }

  /// Distinct PLAIN values in order of first appearance and the index of every value, or nil when the
  /// dictionary would pass 1 MiB or 65,536 entries (then PLAIN pays).
  private struct DictionaryEncoding {
    var values: [[UInt8]] = []
    var indices: [UInt32] = []
    /// Bits per index in the data pages.
    var bitWidth: Int { max(1, Int.bitWidth - (values.count - 1).leadingZeroBitCount) }

    init?(_ plain: [[UInt8]]) {
      var index: [[UInt8]: UInt32] = [:]
      var bytes = 0
      indices.reserveCapacity(plain.count)
      for v in plain {
        if let i = index[v] {
          indices.append(i)
        } else {
          let i = UInt32(values.count)
          index[v] = i
          values.append(v)
          bytes += v.count
          indices.append(i)
          if bytes > 1 << 20 || values.count > 1 << 16 { return nil }
        }
      }
    }

    /// Int8 values, their dictionary entries as PLAIN INT32 (the same bytes the general path gives).
    init(int8 column: ArraySlice<Int8>) {
      var index = [Int32](repeating: -1, count: 256)
      indices.reserveCapacity(column.count)
      for v in column {
        let slot = Int(UInt8(bitPattern: v))
        if index[slot] < 0 {
          index[slot] = Int32(values.count)
          values.append(withUnsafeBytes(of: Int32(v).littleEndian) { Array($0) })
        }
        indices.append(UInt32(index[slot]))
      }
    }
  }

  /// A v1 data page body: definition levels (4-byte length, RLE), then the `values` of the chunk as
  /// dictionary indices (bit width byte, one bit-packed run), PLAIN, or BYTE_STREAM_SPLIT.
  private static func dataPageBody(
    present: [Bool], values: Range<Int>, encoded: Encoded, dictionary: DictionaryEncoding?, byteStreamSplit: Bool
  ) -> [UInt8] {
    var body: [UInt8] = []
    let levels = rleRuns(present.map { $0 ? 1 : 0 })
    withUnsafeBytes(of: UInt32(levels.count).littleEndian) { body.append(contentsOf: $0) }
    body += levels
    if let dictionary {
      body.append(UInt8(dictionary.bitWidth))
      body += bitPacked(Array(dictionary.indices[values]), bitWidth: dictionary.bitWidth)
    } else if byteStreamSplit, let width = encoded.plain.first?.count {
      body += ByteStreamSplit.split(encoded.plain[values], width: width)
    } else {
      for v in encoded.plain[values] { body += v }
    }
    return body
  }

  /// Appends one page (header + possibly compressed body) and accounts for its sizes.
  private func writePage(
    kind: Int32, body: [UInt8], valueCount: Int, encoding: Int32, into file: inout [UInt8], info: inout ChunkInfo
  ) throws {
    let stored: [UInt8]
    switch codec {
    case .uncompressed: stored = body
    case .snappy: stored = body.withUnsafeBytes { SnappyCompressor.compress($0) }
    case .zstd(let level): stored = try body.withUnsafeBytes { try SystemCodecs.zstd($0, level: level) }
    }
    var header = ThriftCompactWriter()
    header.structBody { w in
      w.i32(1, kind)
      w.i32(2, Int32(body.count))
      w.i32(3, Int32(stored.count))
      w.structure(kind == 2 ? 7 : 5) { w in
        w.i32(1, Int32(valueCount))
        w.i32(2, encoding)
        if kind == 0 {
          w.i32(3, 3)
          w.i32(4, 3)
        }
      }
    }
    file += header.bytes
    file += stored
    info.uncompressedSize += header.bytes.count + body.count
    info.compressedSize += header.bytes.count + stored.count
  }

  /// Levels (0 or 1) as RLE runs of the hybrid encoding, bit width 1.
  static func rleRuns(_ levels: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < levels.count {
      var j = i
      while j < levels.count, levels[j] == levels[i] { j += 1 }
      var header = UInt64(j - i) << 1
      while header >= 0x80 {
        out.append(UInt8(header & 0x7f) | 0x80)
        header >>= 7
      }
      out.append(UInt8(header))
      out.append(levels[i])
      i = j
    }
    return out
  }

  /// Values as one bit-packed run of the hybrid encoding (padded to a multiple of 8 values); each value must
  /// fit in `bitWidth` bits.
  // PERFORMANCE: every dictionary-encoded value of a written file passes here once.
  static func bitPacked(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
    guard !values.isEmpty else { return [] }
    let groups = (values.count + 7) / 8
    var out: [UInt8] = []
    out.reserveCapacity(10 + groups * bitWidth)
    var header = UInt64(groups) << 1 | 1
    while header >= 0x80 {
      out.append(UInt8(header & 0x7f) | 0x80)
      header >>= 7
    }
    out.append(UInt8(header))
    let end = out.count + groups * bitWidth
    var pending: UInt64 = 0
    var pendingBits = 0
    for v in values {
      pending |= UInt64(v) << UInt64(pendingBits)
      pendingBits += bitWidth
      while pendingBits >= 8 {
        out.append(UInt8(truncatingIfNeeded: pending))
        pending >>= 8
        pendingBits -= 8
      }
    }
    if pendingBits > 0 { out.append(UInt8(truncatingIfNeeded: pending)) }
    out += repeatElement(0, count: end - out.count)
    return out
  }
}

extension ParquetPhysicalType {
  /// FLOAT or DOUBLE.
  var isFloatingPoint: Bool { self == .float || self == .double }
}
