import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SignalMiner's binary cache of a `Dataset` (`.smd`): written once, then opened by memory-mapping, so a
/// 15 GB feature matrix is available in the time it takes to map it — pages are read as they are touched.
///
/// Layout: the magic `SMDCACHE`, UInt32 version (1), UInt32 0, UInt64 header length, a JSON header (shape,
/// names, eras, section offsets), then 64-byte-aligned sections: the int8 feature matrix (column-major), the
/// Float32 targets (column-major), Int64 id offsets and id bytes, and the same for `data_type` if present.
/// All integers little-endian.
public enum DatasetCache {
  /// The first 8 bytes of every cache file.
  public static let magic: [UInt8] = Array("SMDCACHE".utf8)

  private struct Header: Codable {
    var rows: Int
    var eras: [String]
    var eraCounts: [Int]
    var featureNames: [String]
    var targetNames: [String]
    var features: Int
    var targets: Int
    var idOffsets: Int
    var idBytes: Int
    var idByteCount: Int
    var dataTypeOffsets: Int?
    var dataTypeBytes: Int?
    var dataTypeByteCount: Int?
  }

  /// Whether `path` starts with the cache's magic.
  public static func isCache(path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    return (try? handle.read(upToCount: 8)).map { Array($0) == magic } ?? false
  }

  /// Everything a cache holds except the feature matrix, which `write` takes in batches of columns.
  public struct Contents {
    var rows: Int
    var eras: [String]
    var eraCounts: [Int]
    var featureNames: [String]
    var targetNames: [String]
    var targets: ColumnMajorMatrix<Float>
    var ids: StringColumn
    var dataTypes: StringColumn?

    /// The cache's contents: `targets` and the string columns hold `eraCounts.reduce(0, +)` rows.
    public init(
      eras: [String], eraCounts: [Int], featureNames: [String], targetNames: [String], targets: ColumnMajorMatrix<Float>,
      ids: StringColumn, dataTypes: StringColumn?
    ) {
      rows = eraCounts.reduce(0, +)
      self.eras = eras
      self.eraCounts = eraCounts
      self.featureNames = featureNames
      self.targetNames = targetNames
      self.targets = targets
      self.ids = ids
      self.dataTypes = dataTypes
    }

    init(_ d: Dataset) {
      self.init(
        eras: d.eras, eraCounts: d.eraRanges.map(\.count), featureNames: d.featureNames, targetNames: d.targetNames,
        targets: d.targets, ids: d.ids, dataTypes: d.dataTypes)
    }
  }

  /// Receives the feature matrix of a cache being written, whole columns in order.
  public struct FeatureColumnsWriter {
    fileprivate var file: SectionWriter
    let rows: Int
    /// Columns written so far.
    public private(set) var columnsWritten = 0

    /// Writes the next `columns.count / rows` whole columns (column-major).
    public mutating func append(_ columns: UnsafeBufferPointer<Int8>) throws {
      precondition(columns.count % max(rows, 1) == 0, "\(columns.count) values are not whole columns of \(rows) rows")
      try file.write(UnsafeRawBufferPointer(columns))
      columnsWritten += rows == 0 ? 0 : columns.count / rows
    }
  }

  /// Writes `dataset` to `path` (through a temporary file, renamed at the end).
  public static func write(_ dataset: Dataset, to path: String) throws {
    try write(Contents(dataset), to: path) { features in
      try dataset.features.withUnsafeElements { try features.append($0) }
    }
  }

  /// Writes a cache whose feature columns `writeFeatures` gives in order, in as many appends as it likes, so the
  /// matrix need never be in memory at once (through a temporary file, renamed at the end; a failure leaves
  /// no file).
  public static func write(
    _ contents: Contents, to path: String, writeFeatures: (inout FeatureColumnsWriter) throws -> Void
  ) throws {
    let (header, headerData) = try layout(contents)
    let temporary = path + ".partial-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: nil), let out = FileHandle(forWritingAtPath: temporary)
    else { throw DataError(path: path, "cannot create the file") }
    do {
      var file = SectionWriter(out)
      var prefix = Data(magic)
      withUnsafeBytes(of: UInt32(1).littleEndian) { prefix.append(contentsOf: $0) }
      withUnsafeBytes(of: UInt32(0).littleEndian) { prefix.append(contentsOf: $0) }
      withUnsafeBytes(of: UInt64(headerData.count).littleEndian) { prefix.append(contentsOf: $0) }
      try file.write(prefix + headerData)
      try file.pad(to: header.features)
      var features = FeatureColumnsWriter(file: file, rows: contents.rows)
      try writeFeatures(&features)
      guard features.columnsWritten == contents.featureNames.count else {
        throw DataError(path: path, "\(features.columnsWritten) feature columns written, expected \(contents.featureNames.count)")
      }
      file = features.file
      try file.pad(to: header.targets)
      try contents.targets.withUnsafeElements { try file.write(UnsafeRawBufferPointer($0)) }
      try file.writeStrings(contents.ids, offsets: header.idOffsets, bytes: header.idBytes)
      if let dt = contents.dataTypes {
        try file.writeStrings(dt, offsets: header.dataTypeOffsets!, bytes: header.dataTypeBytes!)
      }
      try out.close()
      if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
      try? out.close()
      try? FileManager.default.removeItem(atPath: temporary)
      if let error = error as? DataError { throw error }
      throw DataError(path: path, "cannot write the cache (\(error.localizedDescription))")
    }
  }

  /// The header of a cache of `contents` with every section's offset, and its JSON.
  private static func layout(_ contents: Contents) throws -> (header: Header, json: Data) {
    let rows = contents.rows
    func align(_ x: Int) -> Int { (x + 63) / 64 * 64 }
    var header = Header(
      rows: rows, eras: contents.eras, eraCounts: contents.eraCounts, featureNames: contents.featureNames,
      targetNames: contents.targetNames, features: 0, targets: 0, idOffsets: 0, idBytes: 0,
      idByteCount: contents.ids.bytes.count)
    if let dt = contents.dataTypes { header.dataTypeByteCount = dt.bytes.count }
    var headerData = Data()
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // the same data set always gives the same bytes
    // The header's own length depends on the offsets it holds; iterate until it is stable.
    for _ in 0..<4 {
      var p = align(24 + headerData.count + 64)
      header.features = p
      p = align(p + rows * contents.featureNames.count)
      header.targets = p
      p = align(p + contents.targets.byteCount)
      header.idOffsets = p
      p = align(p + (rows + 1) * 8)
      header.idBytes = p
      p = align(p + contents.ids.bytes.count)
      if let dt = contents.dataTypes {
        header.dataTypeOffsets = p
        p = align(p + (rows + 1) * 8)
        header.dataTypeBytes = p
        p = align(p + dt.bytes.count)
      }
      headerData = try encoder.encode(header)
    }
    return (header, headerData)
  }

  /// Appends sections to the cache file, tracking the position for padding to section offsets.
  fileprivate struct SectionWriter {
    let out: FileHandle
    var position = 0

    init(_ out: FileHandle) { self.out = out }

    mutating func write(_ data: Data) throws {
      try out.write(contentsOf: data)
      position += data.count
    }

    /// Writes `bytes` without copying them.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
      guard let base = bytes.baseAddress, bytes.count > 0 else { return }
      try write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
    }

    /// Zero bytes up to `offset`.
    mutating func pad(to offset: Int) throws { try write(Data(count: offset - position)) }

    /// A string column: Int64 offsets at `offsets`, then the UTF-8 bytes at `bytes`.
    mutating func writeStrings(_ column: StringColumn, offsets: Int, bytes: Int) throws {
      try pad(to: offsets)
      try write(column.offsets.map { Int64($0).littleEndian }.withUnsafeBytes { Data($0) })
      try pad(to: bytes)
      try write(Data(column.bytes))
    }
  }

  /// Opens a cache by memory-mapping it; the feature and target matrices point into the mapping.
  public static func open(path: String) throws -> Dataset {
    let mapping = try Mapping(path: path)
    let bytes = mapping.bytes
    func fail(_ reason: String) -> DataError { DataError(path: path, "broken cache: \(reason)") }
    guard bytes.count >= 24, Array(bytes[0..<8]) == magic else { throw DataError(path: path, "not a SignalMiner cache") }
    let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
    guard version == 1 else { throw fail("version \(version), expected 1") }
    let headerLength = Int(bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian)
    guard headerLength <= bytes.count - 24 else { throw fail("header runs past the end") }
    let header: Header
    do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[24..<(24 + headerLength)])) } catch {
      throw fail("unreadable header")
    }
    let rows = header.rows
    func check(_ offset: Int, _ count: Int, _ what: String) throws {
      guard offset >= 0, count >= 0, offset % 8 == 0, offset + count <= bytes.count else {
        throw fail("\(what) lies outside the file")
      }
    }
    try check(header.features, rows * header.featureNames.count, "the feature matrix")
    try check(header.targets, rows * header.targetNames.count * 4, "the targets")
    guard header.eraCounts.count == header.eras.count, header.eraCounts.reduce(0, +) == rows else {
      throw fail("era sizes do not add up to \(rows) rows")
    }
    func strings(_ offsets: Int, _ start: Int, _ count: Int, _ what: String) throws -> StringColumn {
      try check(offsets, (rows + 1) * 8, what)
      try check(start, count, what)
      let raw = (0...rows).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offsets + 8 * $0, as: Int64.self))) }
      guard raw.first == 0, raw.last == count, zip(raw, raw.dropFirst()).allSatisfy({ $0 <= $1 }) else {
        throw fail("\(what) offsets are inconsistent")
      }
      return StringColumn(bytes: [UInt8](bytes[start..<(start + count)]), offsets: raw)
    }
    let ids = try strings(header.idOffsets, header.idBytes, header.idByteCount, "the ids")
    var dataTypes: StringColumn? = nil
    if let o = header.dataTypeOffsets, let b = header.dataTypeBytes, let c = header.dataTypeByteCount {
      dataTypes = try strings(o, b, c, "the data types")
    }
    let base = bytes.baseAddress!
    let features = ColumnMajorMatrix<Int8>(
      rowCount: rows, columnCount: header.featureNames.count,
      baseAddress: (base + header.features).assumingMemoryBound(to: Int8.self), release: { withExtendedLifetime(mapping) {} })
    let targets = ColumnMajorMatrix<Float>(
      rowCount: rows, columnCount: header.targetNames.count,
      baseAddress: (base + header.targets).assumingMemoryBound(to: Float.self), release: { withExtendedLifetime(mapping) {} })
    var ranges: [Range<Int>] = []
    var start = 0
    for count in header.eraCounts {
      ranges.append(start..<(start + count))
      start += count
    }
    guard zip(header.eras, header.eras.dropFirst()).allSatisfy({ $0 < $1 }) else { throw fail("eras are not sorted") }
    return Dataset(
      ids: ids, eras: header.eras, eraRanges: ranges, featureNames: header.featureNames, features: features,
      targetNames: header.targetNames, targets: targets, dataTypes: dataTypes)
  }
}

/// A read-only memory mapping of a whole file, unmapped when the last user releases it.
final class Mapping: @unchecked Sendable {
  let bytes: UnsafeRawBufferPointer

  init(path: String) throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw DataError(path: path, "cannot open the file") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_size > 0 else { throw DataError(path: path, "the file is empty") }
    let size = Int(info.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw DataError(path: path, "cannot memory-map the file")
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}
