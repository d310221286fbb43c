import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A Parquet file opened for reading: the footer parsed, the bytes memory-mapped, columns decoded on demand.
///
/// Reads flat columns as pyarrow and pandas write them (see PARQUET.md): data pages v1 and v2, dictionary
/// pages, PLAIN, RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED, DELTA_(LENGTH_)BYTE_ARRAY and
/// BYTE_STREAM_SPLIT values, nulls
/// through definition levels, the types INT96 and FIXED_LEN_BYTE_ARRAY (FLOAT16, DECIMAL), and the codecs
/// UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4 and BROTLI. Only the columns asked for are decoded. Nested
/// columns (`isNested`: inside LIST, MAP or STRUCT groups, or repeated) are read by top-level field with
/// `readField(named:)`, as `ParquetValue`s. The file's bytes are never trusted: a truncated or corrupt file
/// ends in a `ParquetError` naming the file (and column), never a crash.
public final class ParquetFile: @unchecked Sendable {
  /// The path the file was opened from.
  public let path: String
  /// The leaf columns, in file order.
  public let columns: [ParquetColumnDescriptor]
  /// Rows in the file.
  public let rowCount: Int
  /// Number of row groups.
  public let rowGroupCount: Int
  /// The distinct codecs the column chunks use, e.g. `["SNAPPY"]`.
  public let codecNames: [String]
  /// The footer's key/value metadata (pyarrow stores `pandas` and `ARROW:schema` there).
  public let keyValueMetadata: [String: String]
  /// The writer, e.g. `parquet-cpp-arrow version 26.0.1`.
  public let createdBy: String?

  let mapping: UnsafeRawBufferPointer
  let metadata: FileMetaData
  /// Bytes a page may run past its chunk's declared end (`ColumnChunkDecoder.sizePadding`).
  let chunkSizePadding: Int

  /// Opens and memory-maps `path`, and reads and checks its footer.
  public init(path: String) throws {
    self.path = path
    func fail(_ reason: String) -> ParquetError { ParquetError(path: path, reason: reason) }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw fail("cannot open the file (\(String(cString: strerror(errno))))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw fail("cannot stat the file") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw fail("not a regular file, expected a Parquet file") }
    let size = Int(info.st_size)
    guard size > 0 else { throw fail("the file is empty, expected a Parquet file") }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw fail("cannot memory-map the file")
    }
    let bytes = UnsafeRawBufferPointer(start: base, count: size)
    do {
      let magic: [UInt8] = Array("PAR1".utf8)
      guard size >= 12, Array(bytes[0..<4]) == magic else {
        throw fail("not a Parquet file (no PAR1 magic at the start)")
      }
      guard Array(bytes[(size - 4)...]) == magic else {
        throw fail("truncated or not a Parquet file (no PAR1 magic at the end)")
      }
      let footerLength = Int(bytes.loadUnaligned(fromByteOffset: size - 8, as: UInt32.self).littleEndian)
      guard footerLength > 0, footerLength <= size - 12 else {
        throw fail("broken footer: length \(footerLength) does not fit in \(size) bytes")
      }
      var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: bytes[(size - 8 - footerLength)..<(size - 8)]))
      let metadata: FileMetaData
      do { metadata = try FileMetaData(&reader) } catch let error as CorruptData {
        throw fail("broken footer: \(error.reason)")
      }
      // A page can pack many rows into few bytes (RLE), but not unboundedly many: this bounds what a
      // corrupt row count can make the reader allocate.
      // parquet-rs 0.3 declared 0 rows in the footer of files holding rows: the row groups count then, as
      // pyarrow counts them.
      let rows =
        metadata.rowCount != 0
        ? metadata.rowCount : metadata.rowGroups.reduce(0) { $0 + min(max(0, $1.rowCount), Int64(UInt32.max)) }
      guard rows <= Int64(size) * 1024 + 1_000_000 else {
        throw fail("broken footer: \(rows) rows declared in a file of \(size) bytes")
      }
      let (columns, codecs) = try Self.describe(metadata, rows: rows, fail: fail)
      self.columns = columns
      self.codecNames = codecs
      self.metadata = metadata
      rowCount = Int(rows)
      chunkSizePadding = Self.writesShortChunkSizes(metadata.createdBy) ? 100 : 0
      rowGroupCount = metadata.rowGroups.count
      keyValueMetadata = metadata.keyValues
      createdBy = metadata.createdBy
      mapping = bytes
    } catch {
      munmap(base, size)
      throw error
    }
  }

  deinit { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count) }

  /// Leaf columns from the schema, checked against every row group.
  private static func describe(_ m: FileMetaData, rows: Int64, fail: (String) -> ParquetError) throws -> (
    [ParquetColumnDescriptor], [String]
  ) {
    guard let root = m.schema.first else { throw fail("broken footer: empty schema") }
    guard m.rowCount >= 0 else { throw fail("broken footer: \(m.rowCount) rows") }
    let columns = try leafColumns(m.schema[1...], rootChildren: root.childCount ?? 0, fail: fail)
    var codecs: [String] = []
    var total: Int64 = 0
    for (g, group) in m.rowGroups.enumerated() {
      guard group.columns.count == columns.count else {
        throw fail("broken footer: row group \(g) has \(group.columns.count) column chunks, expected \(columns.count)")
      }
      guard group.rowCount >= 0, group.rowCount <= rows else {
        throw fail("broken footer: row group \(g) has \(group.rowCount) rows")
      }
      total &+= group.rowCount
      for (c, chunk) in group.columns.enumerated() {
        guard chunk.type == columns[c].physicalType.rawValue else {
          throw fail("broken footer: column '\(columns[c].name)' changes type in row group \(g)")
        }
        let name = ParquetCodec(rawValue: chunk.codec)?.name ?? "codec \(chunk.codec)"
        if !codecs.contains(name) { codecs.append(name) }
      }
    }
    guard total == rows else {
      throw fail("broken footer: row groups hold \(total) rows, the file declares \(rows)")
    }
    return (columns, codecs)
  }

  /// The leaves of the schema tree, in file order (the order of the column chunks).
  ///
  /// Elements come depth-first, each group followed by its `childCount` children. A leaf directly under the
  /// root and not `repeated` is flat; any other leaf is nested and named by its dotted path (`a.list.element`).
  private static func leafColumns(
    _ schema: ArraySlice<FileMetaData.SchemaElement>, rootChildren: Int, fail: (String) -> ParquetError
  ) throws -> [ParquetColumnDescriptor] {
    var columns: [ParquetColumnDescriptor] = []
    // Open groups: children still to come, and the group's name (the root's is not part of paths).
    var open: [(left: Int, name: String)] = [(rootChildren, "")]
    var next = schema.startIndex
    while let group = open.last {
      guard group.left > 0 else {
        open.removeLast()
        continue
      }
      open[open.count - 1].left -= 1
      guard next < schema.endIndex else {
        throw fail("broken footer: the schema declares more columns than its \(schema.count) elements")
      }
      let e = schema[next]
      next += 1
      if let children = e.childCount, children > 0 || e.type == nil {
        guard open.count < 100 else { throw fail("broken footer: schema groups nested more than 100 deep") }
        open.append((children, e.name))
        continue
      }
      let path = open.dropFirst().map(\.name) + [e.name]
      guard let raw = e.type, let type = ParquetPhysicalType(rawValue: raw) else {
        throw fail("column '\(path.joined(separator: "."))' has an unknown physical type")
      }
      guard type != .fixedLenByteArray || (1...(1 << 16)).contains(e.typeLength ?? 0) else {
        throw fail("column '\(path.joined(separator: "."))' is FIXED_LEN_BYTE_ARRAY of length \(e.typeLength ?? 0), expected 1…65536")
      }
      columns.append(descriptor(e, path: path, type: type))
    }
    guard next == schema.endIndex else {
      throw fail("broken footer: the schema root declares \(rootChildren) columns, found \(schema.count) elements")
    }
    return columns
  }

  /// The descriptor of the leaf `e` at `path`, its integer annotation read from either form.
  private static func descriptor(
    _ e: FileMetaData.SchemaElement, path: [String], type: ParquetPhysicalType
  ) -> ParquetColumnDescriptor {
    let converted = e.convertedType
    var width = e.intBitWidth
    var signed = e.intSigned
    switch converted {
    case 15: (width, signed) = (8, true)
    case 16: (width, signed) = (16, true)
    case 11: (width, signed) = (8, false)
    case 12: (width, signed) = (16, false)
    default: break
    }
    var column = ParquetColumnDescriptor(
      name: path.joined(separator: "."), physicalType: type, intBitWidth: width, isSigned: signed,
      isString: e.isStringLogical || converted == 0, isOptional: e.repetition == 1,
      isNested: path.count > 1 || e.repetition == 2)
    column.fixedLength = type == .int96 ? 12 : type == .fixedLenByteArray ? e.typeLength : nil
    if e.isDecimalLogical || converted == 5 { column.decimalScale = e.scale ?? 0 }
    column.isFloat16 = e.isFloat16Logical && type == .fixedLenByteArray && e.typeLength == 2
    return column
  }

  /// Whether `createdBy` names a parquet-mr older than 1.2.9, whose column chunk sizes can be short by a page
  /// header (PARQUET-816); an unversioned parquet-mr counts as old, as in Arrow.
  static func writesShortChunkSizes(_ createdBy: String?) -> Bool {
    guard let createdBy, createdBy.hasPrefix("parquet-mr") else { return false }
    let words = createdBy.split(separator: " ")
    guard words.count >= 3, words[1] == "version" else { return true }
    let version = words[2].prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int($0) ?? 0 }
    return version.lexicographicallyPrecedes([1, 2, 9])
  }

  /// Throws, naming the file and column, unless column `index` is flat (nested leaves read with their
  /// top-level field, through `readField(named:)`).
  func requireFlat(_ index: Int) throws {
    guard columns[index].isNested else { return }
    let field = columns[index].name.split(separator: ".").first.map(String.init) ?? columns[index].name
    throw ParquetError(
      path: path, column: columns[index].name,
      reason:
        "is nested (inside a LIST, MAP or STRUCT group, or repeated); read it with readField(named: \"\(field)\")")
  }

  /// Drops the decoded chunk's pages from this process's resident memory (they stay in the page cache), so
  /// reading a file costs the output plus a few pages, not the output plus the file.
  func releasePages(of chunk: FileMetaData.ColumnChunk) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    var start = Int(chunk.dataPageOffset)
    if let d = chunk.dictionaryPageOffset, d > 0, d < chunk.dataPageOffset { start = Int(d) }
    let end = start + Int(chunk.totalCompressedSize)
    // Only whole pages inside the chunk: neighbouring chunks may be decoded by other threads.
    let first = (start + page - 1) / page * page
    let last = end / page * page
    guard last > first, last <= mapping.count else { return }
    madvise(UnsafeMutableRawPointer(mutating: mapping.baseAddress! + first), last - first, Int32(MADV_DONTNEED))
  }

  /// The index of the column called `name`, or nil.
  public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }

  // MARK: - Decoding

  /// Runs `body` over each row group's chunk of column `index`, with the row group's first row, and turns
  /// decoding failures into errors naming the file and column.
  func forEachChunk(
    ofColumn index: Int,
    _ body: (inout ColumnChunkDecoder, _ firstRow: Int, _ rows: Int) throws -> Void
  ) throws {
    try requireFlat(index)
    let column = columns[index]
    var firstRow = 0
    do {
      for group in metadata.rowGroups {
        let rows = Int(group.rowCount)
        let chunk = group.columns[index]
        guard chunk.valueCount == group.rowCount else {
          throw CorruptData("column chunk holds \(chunk.valueCount) values for \(rows) rows")
        }
        var decoder = ColumnChunkDecoder(
          file: mapping, chunk: chunk, isOptional: column.isOptional, physicalType: column.physicalType)
        decoder.fixedLength = column.fixedLength
        decoder.sizePadding = chunkSizePadding
        try body(&decoder, firstRow, rows)
        firstRow += rows
        releasePages(of: chunk)
      }
    } catch let error as CorruptData {
      throw ParquetError(path: path, column: column.name, reason: error.reason)
    }
  }
}
