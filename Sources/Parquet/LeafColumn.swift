/// One leaf column of a nested field, all row groups: a repetition and a definition level per entry, and
/// the values of the entries whose definition level is at its maximum.
struct LeafColumn {
  var repetition: [UInt32] = []
  var definition: [UInt32] = []
  /// The non-null values, in entry order (`valid` is nil).
  var values: ParquetColumnValues
  let maxDefinition: Int
}

extension ParquetFile {
  /// Reads leaf column `leaf.column` with its levels.
  ///
  /// - Complexity: O(entries); holds the output plus one page.
  func readLeaf(_ leaf: FieldLeaf) throws -> LeafColumn {
    let column = columns[leaf.column]
    let levels = NestedLevelDecoder(maxRepetition: leaf.maxRepetition, maxDefinition: leaf.maxDefinition)
    var collector = try LeafValueCollector(column.physicalType)
    var repetition: [UInt32] = []
    var definition: [UInt32] = []
    do {
      for group in metadata.rowGroups {
        let chunk = group.columns[leaf.column]
        // As for the file's rows: RLE packs many levels into few bytes, but not unboundedly many.
        guard chunk.valueCount <= Int64(mapping.count) * 1024 + 1_000_000 else {
          throw CorruptData("column chunk declares \(chunk.valueCount) values in a file of \(mapping.count) bytes")
        }
        let entriesBefore = repetition.count
        var decoder = ColumnChunkDecoder(
          file: mapping, chunk: chunk, isOptional: column.isOptional, physicalType: column.physicalType, nested: levels)
        decoder.sizePadding = chunkSizePadding
        try decoder.decode(
          dictionary: { raw, count in try collector.setDictionary(raw, count: count) },
          page: { page in
            repetition.append(contentsOf: levels.repetition)
            definition.append(contentsOf: levels.definition)
            try collector.append(page)
          })
        let records = repetition[entriesBefore...].count { $0 == 0 }
        guard records == group.rowCount else {
          throw CorruptData("column chunk holds \(records) records for \(group.rowCount) rows")
        }
        releasePages(of: chunk)
      }
    } catch let error as CorruptData {
      throw ParquetError(path: path, column: column.name, reason: error.reason)
    }
    return LeafColumn(
      repetition: repetition, definition: definition, values: collector.values, maxDefinition: leaf.maxDefinition)
  }
}

/// Gathers the non-null values of a nested leaf's pages, one column chunk's dictionary at a time.
struct LeafValueCollector {
  let physicalType: ParquetPhysicalType
  /// Fixed-width values in PLAIN layout; BYTE_ARRAY contents; booleans.
  private var plain: [UInt8] = []
  private var offsets = [0]
  private var booleans: [Bool] = []
  /// The chunk's dictionary in PLAIN layout, and for BYTE_ARRAY where each value starts (after its length).
  private var dictionary: [UInt8] = []
  private var dictionaryStarts: [Int] = []

  init(_ physicalType: ParquetPhysicalType) throws {
    guard ![.int96, .fixedLenByteArray].contains(physicalType) else {
      throw CorruptData("physical type \(physicalType.name) is not supported")
    }
    self.physicalType = physicalType
  }

  private var width: Int { physicalType == .int64 || physicalType == .double ? 8 : 4 }

  mutating func setDictionary(_ raw: UnsafeRawBufferPointer, count: Int) throws {
    switch physicalType {
    case .boolean: throw CorruptData("BOOLEAN columns have no dictionary")
    case .byteArray: dictionaryStarts = try ParquetFile.plainByteArrayOffsets(raw, count: count)
    default:
      guard count <= raw.count / width else { throw CorruptData("dictionary page too short for \(count) values") }
    }
    dictionary = [UInt8](raw)
  }

  /// Appends the page's `valueCount` non-null values.
  mutating func append(_ page: DataPage) throws {
    switch (physicalType, page.values) {
    case (.boolean, .plain(let raw)):
      guard page.valueCount <= raw.count * 8 else { throw CorruptData("BOOLEAN page too short for its values") }
      for k in 0..<page.valueCount { booleans.append(raw[k >> 3] & (1 << UInt8(k & 7)) != 0) }
    case (.boolean, .dictionary): throw CorruptData("BOOLEAN columns have no dictionary")
    case (.byteArray, .plain(let raw)):
      let starts = try ParquetFile.plainByteArrayOffsets(raw, count: page.valueCount)
      for k in 0..<page.valueCount {
        plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[starts[k]..<(starts[k + 1] - 4)]))
        offsets.append(plain.count)
      }
    case (.byteArray, .dictionary(let indices)):
      for d in indices.prefix(page.valueCount).map(Int.init) {
        plain.append(contentsOf: dictionary[dictionaryStarts[d]..<(dictionaryStarts[d + 1] - 4)])
        offsets.append(plain.count)
      }
    case (_, .plain(let raw)):
      guard page.valueCount <= raw.count / width else { throw CorruptData("page too short for its values") }
      plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<(page.valueCount * width)]))
    case (_, .dictionary(let indices)):
      for d in indices.prefix(page.valueCount).map(Int.init) {
        plain.append(contentsOf: dictionary[(d * width)..<((d + 1) * width)])
      }
    }
  }

  /// The values gathered so far.
  var values: ParquetColumnValues {
    switch physicalType {
    case .boolean: .boolean(booleans, valid: nil)
    case .byteArray: .byteArray(bytes: plain, offsets: offsets, valid: nil)
    case .int32: .int32(load(Int32.self), valid: nil)
    case .int64: .int64(load(Int64.self), valid: nil)
    case .float: .float(load(Float.self), valid: nil)
    case .double: .double(load(Double.self), valid: nil)
    case .int96, .fixedLenByteArray: preconditionFailure("refused by init")
    }
  }

  private func load<T: BitwiseCopyable>(_: T.Type) -> [T] {
    plain.withUnsafeBytes { raw in
      (0..<(raw.count / MemoryLayout<T>.size)).map {
        raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)
      }
    }
  }
}
