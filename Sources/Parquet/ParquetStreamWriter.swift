import Foundation

/// Writes one Parquet file row group by row group, so a file larger than memory is never held whole: each
/// `append` encodes and writes its rows (in row groups of at most `writer.rowGroupRows`), and `finish` writes
/// the footer.
///
/// The file is written to a temporary name next to `path` and renamed by `finish`; a stream that fails or is
/// dropped before `finish` removes it, so no partial file is left behind.
public final class ParquetStreamWriter {
  private let path: String
  private let temporary: String
  private let writer: ParquetWriter
  private let handle: FileHandle
  /// The columns' names and kinds, from the first `append`.
  private var schema: [ParquetWriteColumn]?
  private var rowGroups: [ParquetWriter.RowGroupInfo] = []
  private var position = 4
  private var rowCount = 0
  private var finished = false

  /// Creates the temporary file and writes the leading magic.
  public init(path: String, writer: ParquetWriter = ParquetWriter()) throws {
    self.path = path
    self.writer = writer
    temporary = path + ".partial-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: Data("PAR1".utf8)),
      let handle = FileHandle(forWritingAtPath: temporary)
    else { throw ParquetError(path: path, reason: "cannot create the file") }
    self.handle = handle
    _ = try? handle.seekToEnd()
  }

  deinit {
    guard !finished else { return }
    try? handle.close()
    try? FileManager.default.removeItem(atPath: temporary)
  }

  /// Appends `rowCount` rows: `columns` must have the same names and kinds, in the same order, at every call.
  /// An append of no rows writes one empty row group (a file always has one).
  public func append(_ columns: [ParquetWriteColumn], rowCount: Int) throws {
    precondition(!finished, "append after finish")
    for c in columns where c.count != rowCount {
      throw ParquetError(path: path, column: c.name, reason: "\(c.count) values given, expected \(rowCount)")
    }
    try checkSchema(columns)
    var start = 0
    repeat {
      let rows = start..<min(rowCount, start + writer.rowGroupRows)
      let group: (bytes: [UInt8], info: ParquetWriter.RowGroupInfo)
      do { group = try writer.rowGroup(columns, rows: rows, fileOffset: position) } catch let error as CorruptData {
        throw ParquetError(path: path, reason: error.reason)
      }
      try write(group.bytes)
      rowGroups.append(group.info)
      start = rows.upperBound
    } while start < rowCount
    self.rowCount += rowCount
  }

  /// Writes the footer with `metadata` and moves the file to its name.
  public func finish(metadata: [String: String] = [:]) throws {
    precondition(!finished, "finish called twice")
    guard let schema else { throw ParquetError(path: path, reason: "no rows were appended") }
    var tail = writer.footer(schema, rowCount: rowCount, rowGroups: rowGroups, metadata: metadata)
    withUnsafeBytes(of: UInt32(tail.count).littleEndian) { tail.append(contentsOf: $0) }
    tail += Array("PAR1".utf8)
    try write(tail)
    do {
      try handle.close()
      if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
      throw ParquetError(path: path, reason: "cannot write the file (\(error.localizedDescription))")
    }
    finished = true
  }

  /// Keeps the first append's columns as the schema; later appends must match it.
  private func checkSchema(_ columns: [ParquetWriteColumn]) throws {
    let kinds = columns.map(\.withoutValues)
    guard let schema else {
      self.schema = kinds
      return
    }
    guard kinds.map(\.signature) == schema.map(\.signature) else {
      throw ParquetError(path: path, reason: "appended columns differ from the file's first columns")
    }
  }

  private func write(_ bytes: [UInt8]) throws {
    do { try handle.write(contentsOf: bytes) } catch {
      throw ParquetError(path: path, reason: "cannot write the file (\(error.localizedDescription))")
    }
    position += bytes.count
  }
}

extension ParquetWriteColumn {
  /// The same column with no values: its name and kind, for the footer.
  public var withoutValues: ParquetWriteColumn {
    switch self {
    case .int8(let n, _): .int8(n, [])
    case .int32(let n, _): .int32(n, [])
    case .int64(let n, _): .int64(n, [])
    case .float(let n, _): .float(n, [])
    case .double(let n, _): .double(n, [])
    case .string(let n, _): .string(n, [])
    }
  }

  /// Name and kind, to compare two appends' columns.
  var signature: String {
    switch self {
    case .int8(let n, _): "int8 " + n
    case .int32(let n, _): "int32 " + n
    case .int64(let n, _): "int64 " + n
    case .float(let n, _): "float " + n
    case .double(let n, _): "double " + n
    case .string(let n, _): "string " + n
    }
  }
}
