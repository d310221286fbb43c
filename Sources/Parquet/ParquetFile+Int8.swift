import Foundation

extension ParquetFile {
  /// Decodes numeric columns straight into a column-major int8 matrix, several columns in parallel.
  ///
  /// Column `indices[k]` fills the `rowCount` elements of `output` that start `k × columnStride` elements
  /// after its start; `columnStride` defaults to `rowCount`, i.e. the columns back to back. INT32 and INT64
  /// values must fit in Int8; FLOAT and DOUBLE values become `Int8((x * floatScale).rounded())`; nulls and
  /// NaN become `missing`. Elements between columns are left as they were. Dictionary pages are converted
  /// once per chunk into a lookup table, so a dictionary-encoded page costs one table lookup per row.
  /// Returns, per column, how many nulls or NaN were replaced by `missing`.
  ///
  /// `output` is written in place when it has contiguous storage (`[Int8]`, `ArraySlice<Int8>`, …);
  /// otherwise the columns are decoded into a temporary array and copied.
  ///
  /// - Complexity: O(rows × columns) over `threads` threads; each holds one page at a time.
  public func readInt8Columns(
    _ indices: [Int], into output: inout some MutableCollection<Int8>, columnStride: Int? = nil,
    floatScale: Double, missing: Int8, threads: Int
  ) throws -> [Int] {
    let stride = columnStride ?? rowCount
    precondition(stride >= rowCount, "columnStride \(stride) is shorter than a column (\(rowCount) rows)")
    precondition(
      indices.isEmpty || output.count >= (indices.count - 1) * stride + rowCount,
      "output holds \(output.count) elements, \(indices.count) columns need \((indices.count - 1) * stride + rowCount)")
    if let replaced = try output.withContiguousMutableStorageIfAvailable({ buffer in
      try readInt8Columns(
        indices, into: buffer, columnStride: stride, floatScale: floatScale, missing: missing, threads: threads)
    }) {
      return replaced
    }
    var contiguous = Array(output)
    let replaced = try contiguous.withUnsafeMutableBufferPointer { buffer in
      try readInt8Columns(
        indices, into: buffer, columnStride: stride, floatScale: floatScale, missing: missing, threads: threads)
    }
    var position = output.startIndex
    for value in contiguous {
      output[position] = value
      output.formIndex(after: &position)
    }
    return replaced
  }

  /// `readInt8Columns` on contiguous memory, after the caller has checked the layout.
  private func readInt8Columns(
    _ indices: [Int], into output: UnsafeMutableBufferPointer<Int8>, columnStride: Int, floatScale: Double,
    missing: Int8, threads: Int
  ) throws -> [Int] {
    try checkInt8Readable(indices)
    let outcomes = ColumnOutcomes<Int>(count: indices.count)
    // Column k owns output[k * columnStride ..< k * columnStride + rowCount]; the ranges are disjoint, and
    // each column is decoded by exactly one thread, so no element is written by two threads.
    nonisolated(unsafe) let output = output
    let rows = rowCount
    let chunks = max(1, min(threads, indices.count))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      // Columns are dealt round-robin to threads.
      for k in Swift.stride(from: chunk, to: indices.count, by: chunks) {
        if outcomes.hasFailure { return }
        let start = k * columnStride
        let column = UnsafeMutableBufferPointer(rebasing: output[start..<(start + rows)])
        outcomes.set(
          k, Result { try readInt8Column(indices[k], into: column, floatScale: floatScale, missing: missing) })
      }
    }
    return try outcomes.values()
  }

  /// Every index names a column whose physical type converts to int8.
  private func checkInt8Readable(_ indices: [Int]) throws {
    for index in indices {
      precondition(index >= 0 && index < columns.count, "column index \(index) out of range")
      try requireFlat(index)
      guard [.int32, .int64, .float, .double].contains(columns[index].physicalType) else {
        throw ParquetError(
          path: path, column: columns[index].name,
          reason:
            "\(columns[index].physicalType.name) values cannot be read as int8 (expected INT32, INT64, FLOAT or DOUBLE)"
        )
      }
    }
  }

  /// Decodes column `index` into `out` (`rowCount` values); returns how many values became `missing`.
  private func readInt8Column(
    _ index: Int, into out: UnsafeMutableBufferPointer<Int8>, floatScale: Double, missing: Int8
  ) throws -> Int {
    var writer = Int8PageWriter(
      conversion: Int8Conversion(type: columns[index].physicalType, floatScale: floatScale), missing: missing,
      out: out)
    try forEachChunk(ofColumn: index) { decoder, firstRow, rows in
      writer.dictionary = DictionaryBins()
      var row = firstRow
      try decoder.decode(
        dictionary: { raw, count in
          writer.dictionary = try DictionaryBins(raw, count: count, conversion: writer.conversion, missing: missing)
        },
        page: { page in
          guard row + page.rowCount <= firstRow + rows else {
            throw CorruptData("pages hold more rows than the row group")
          }
          try writer.write(page, at: row)
          row += page.rowCount
        })
      guard row == firstRow + rows else { throw CorruptData("pages hold \(row - firstRow) rows, expected \(rows)") }
    }
    return writer.replaced
  }
}

// MARK: - Values to bins

/// How the values of one column become int8 bins.
private struct Int8Conversion {
  let type: ParquetPhysicalType
  let floatScale: Double
  /// Bytes per PLAIN value.
  let size: Int

  init(type: ParquetPhysicalType, floatScale: Double) {
    self.type = type
    self.floatScale = floatScale
    size = type == .int32 || type == .float ? 4 : 8
  }

  /// The bin of the PLAIN value at byte `offset`, or nil for NaN.
  func bin(_ raw: UnsafeRawBufferPointer, at offset: Int) throws -> Int8? {
    switch type {
    case .int32:
      let v = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
      guard let b = Int8(exactly: v) else { throw CorruptData("value \(v) does not fit in int8") }
      return b
    case .int64:
      let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
      guard let b = Int8(exactly: v) else { throw CorruptData("value \(v) does not fit in int8") }
      return b
    default:
      let x =
        type == .float
        ? Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        : Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
      if x.isNaN { return nil }
      guard let b = Int8(exactly: (x * floatScale).rounded()) else {
        throw CorruptData("value \(x) × \(floatScale) does not fit in int8")
      }
      return b
    }
  }
}

/// A chunk's dictionary as bins: dictionary value d becomes `bins[d]`; a NaN entry is `missing` and flagged
/// in `isNaN`.
private struct DictionaryBins {
  var bins: [Int8] = []
  var isNaN: [Bool] = []
  var hasNaN = false

  init() {}

  /// Converts a PLAIN dictionary page of `count` values.
  init(_ raw: UnsafeRawBufferPointer, count: Int, conversion: Int8Conversion, missing: Int8) throws {
    guard count <= raw.count / conversion.size else {
      throw CorruptData("dictionary page too short for \(count) values")
    }
    bins.reserveCapacity(count)
    isNaN.reserveCapacity(count)
    for d in 0..<count {
      let b = try conversion.bin(raw, at: d * conversion.size)
      bins.append(b ?? missing)
      isNaN.append(b == nil)
    }
    hasNaN = isNaN.contains(true)
  }
}

// MARK: - Pages to rows

/// Writes the decoded pages of one column into its output rows and counts the values replaced by `missing`.
private struct Int8PageWriter {
  let conversion: Int8Conversion
  let missing: Int8
  let out: UnsafeMutableBufferPointer<Int8>
  /// The current chunk's dictionary.
  var dictionary = DictionaryBins()
  var replaced = 0

  init(conversion: Int8Conversion, missing: Int8, out: UnsafeMutableBufferPointer<Int8>) {
    self.conversion = conversion
    self.missing = missing
    self.out = out
  }

  /// Writes `page` to rows `row ..< row + page.rowCount` (the caller has checked they exist).
  mutating func write(_ page: DataPage, at row: Int) throws {
    let target = out.baseAddress! + row
    switch (page.values, page.present) {
    case (.dictionary(let ix), nil): writeDense(ix, rows: page.rowCount, to: target)
    case (.dictionary(let ix), let present?): writeSparse(ix, present: present, rows: page.rowCount, to: target)
    case (.plain(let raw), let present):
      try writePlain(raw, valueCount: page.valueCount, present: present, rows: page.rowCount, to: target)
    }
  }

  /// The hot path: every row present and dictionary-encoded, one lookup each.
  private mutating func writeDense(_ ix: UnsafeBufferPointer<UInt32>, rows: Int, to target: UnsafeMutablePointer<Int8>)
  {
    dictionary.bins.withUnsafeBufferPointer { t in
      for i in 0..<rows { target[i] = t[Int(ix[i])] }
    }
    if dictionary.hasNaN { for i in 0..<rows where dictionary.isNaN[Int(ix[i])] { replaced += 1 } }
  }

  /// Dictionary-encoded with nulls: absent rows become `missing`.
  private mutating func writeSparse(
    _ ix: UnsafeBufferPointer<UInt32>, present: UnsafeBufferPointer<UInt32>, rows: Int,
    to target: UnsafeMutablePointer<Int8>
  ) {
    var k = 0
    for i in 0..<rows {
      if present[i] != 0 {
        let d = Int(ix[k])
        target[i] = dictionary.bins[d]
        if dictionary.isNaN[d] { replaced += 1 }
        k += 1
      } else {
        target[i] = missing
        replaced += 1
      }
    }
  }

  /// PLAIN values, with or without nulls, converted one by one.
  private mutating func writePlain(
    _ raw: UnsafeRawBufferPointer, valueCount: Int, present: UnsafeBufferPointer<UInt32>?, rows: Int,
    to target: UnsafeMutablePointer<Int8>
  ) throws {
    guard valueCount <= raw.count / conversion.size else { throw CorruptData("page too short for its values") }
    var k = 0
    for i in 0..<rows {
      if let present, present[i] == 0 {
        target[i] = missing
        replaced += 1
        continue
      }
      if let b = try conversion.bin(raw, at: k * conversion.size) {
        target[i] = b
      } else {
        target[i] = missing
        replaced += 1
      }
      k += 1
    }
  }
}
