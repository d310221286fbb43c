import Foundation

extension ParquetFile {
  /// Decodes every value of column `index` (all row groups, in row order).
  ///
  /// Values keep their physical type, except: INT96 timestamps come as nanoseconds since the Unix epoch
  /// (`.int64`); FIXED_LEN_BYTE_ARRAY as bytes, `FLOAT16` as `.float`; `DECIMAL`s stored as bytes (fixed or
  /// not) as `.double`, scaled. INT32/INT64 decimals stay unscaled integers (`decimalScale` gives the scale).
  ///
  /// - Complexity: O(rows); holds the output plus one page.
  public func readColumn(_ index: Int) throws -> ParquetColumnValues {
    precondition(index >= 0 && index < columns.count, "column index \(index) out of range")
    try requireFlat(index)
    switch columns[index].physicalType {
    case .int32:
      let (v, m) = try readFixed(index, as: Int32.self, null: 0)
      return .int32(v, valid: m)
    case .int64:
      let (v, m) = try readFixed(index, as: Int64.self, null: 0)
      return .int64(v, valid: m)
    case .float:
      let (v, m) = try readFixed(index, as: Float.self, null: .nan)
      return .float(v, valid: m)
    case .double:
      let (v, m) = try readFixed(index, as: Double.self, null: .nan)
      return .double(v, valid: m)
    case .boolean:
      return try readBooleans(index)
    case .byteArray:
      let values = try readByteArrays(index)
      return columns[index].decimalScale.map { decimals(values, scale: $0) } ?? values
    case .int96:
      let (bytes, valid) = try readFixedWidth(index, width: 12)
      return .int64(FixedWidthValues.int96Nanoseconds(bytes), valid: valid)
    case .fixedLenByteArray:
      return try readFixedLengthByteArrays(index)
    }
  }

  /// Values of a fixed-width type, with the null mask; a null's slot holds `null`.
  private func readFixed<T: BitwiseCopyable>(_ index: Int, as: T.Type, null: T) throws -> ([T], [Bool]?) {
    var values = [T](repeating: null, count: rowCount)
    let valid = try values.withUnsafeMutableBufferPointer { out in
      try decodeFixedWidth(index, width: MemoryLayout<T>.size) { value, row in out[row] = value.loadUnaligned(as: T.self) }
    }
    return (values, valid)
  }

  /// The bytes of every value of a column whose values take `width` bytes each (FIXED_LEN_BYTE_ARRAY, INT96):
  /// `width × rows` bytes, zeros for a null, with the null mask.
  func readFixedWidth(_ index: Int, width: Int) throws -> ([UInt8], [Bool]?) {
    var bytes = [UInt8](repeating: 0, count: rowCount * width)
    let valid = try bytes.withUnsafeMutableBytes { out in
      try decodeFixedWidth(index, width: width) { value, row in
        (out.baseAddress! + row * width).copyMemory(from: value, byteCount: width)
      }
    }
    return (bytes, valid)
  }

  /// Decodes column `index`, whose values take `width` bytes each, handing `store` each non-null value's
  /// bytes and its row; returns the null mask (nil when there are no nulls).
  private func decodeFixedWidth(
    _ index: Int, width: Int, store: (_ value: UnsafeRawPointer, _ row: Int) -> Void
  ) throws -> [Bool]? {
    var valid: [Bool]? = nil
    try forEachChunk(ofColumn: index) { decoder, firstRow, rows in
      var dictionary: [UInt8] = []
      var row = firstRow
      try decoder.decode(
        dictionary: { raw, count in
          guard count <= raw.count / width else { throw CorruptData("dictionary page too short for \(count) values") }
          dictionary = [UInt8](raw[..<(count * width)])
        },
        page: { page in
          guard row + page.rowCount <= firstRow + rows else { throw CorruptData("pages hold more rows than the row group") }
          try dictionary.withUnsafeBytes { dictionary in
            let value: (Int) -> UnsafeRawPointer
            switch page.values {
            case .plain(let raw):
              guard page.valueCount <= raw.count / width else { throw CorruptData("page too short for its values") }
              value = { raw.baseAddress! + $0 * width }
            case .dictionary(let indices):
              value = { dictionary.baseAddress! + Int(indices[$0]) * width }
            }
            if let present = page.present {
              if valid == nil { valid = [Bool](repeating: true, count: rowCount) }
              var k = 0
              for i in 0..<page.rowCount {
                if present[i] != 0 {
                  store(value(k), row + i)
                  k += 1
                } else {
                  valid![row + i] = false
                }
              }
            } else {
              for i in 0..<page.rowCount { store(value(i), row + i) }
            }
          }
          row += page.rowCount
        })
      guard row == firstRow + rows else { throw CorruptData("pages hold \(row - firstRow) rows, expected \(rows)") }
    }
    return valid
  }

  private func readBooleans(_ index: Int) throws -> ParquetColumnValues {
    var values = [Bool](repeating: false, count: rowCount)
    var valid: [Bool]? = nil
    try forEachChunk(ofColumn: index) { decoder, firstRow, rows in
      var row = firstRow
      try decoder.decode(
        dictionary: { _, _ in throw CorruptData("BOOLEAN columns have no dictionary") },
        page: { page in
          guard row + page.rowCount <= firstRow + rows else { throw CorruptData("pages hold more rows than the row group") }
          guard case .plain(let raw) = page.values, page.valueCount <= raw.count * 8 else {
            throw CorruptData("BOOLEAN page too short for its values")
          }
          var k = 0
          for i in 0..<page.rowCount {
            if let present = page.present, present[i] == 0 {
              if valid == nil { valid = [Bool](repeating: true, count: rowCount) }
              valid![row + i] = false
              continue
            }
            values[row + i] = raw[k >> 3] & (1 << UInt8(k & 7)) != 0
            k += 1
          }
          row += page.rowCount
        })
      guard row == firstRow + rows else { throw CorruptData("pages hold \(row - firstRow) rows, expected \(rows)") }
    }
    return .boolean(values, valid: valid)
  }

  /// Splits PLAIN byte arrays (4-byte little-endian length, then the bytes) into offsets into `raw`.
  static func plainByteArrayOffsets(_ raw: UnsafeRawBufferPointer, count: Int) throws -> [Int] {
    var starts = [Int]()
    starts.reserveCapacity(count + 1)
    var p = 0
    for _ in 0..<count {
      guard raw.count - p >= 4 else { throw CorruptData("BYTE_ARRAY values run past the page") }
      let length = Int(raw.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
      guard length <= raw.count - p - 4 else { throw CorruptData("BYTE_ARRAY value of \(length) bytes runs past the page") }
      starts.append(p + 4)
      p += 4 + length
    }
    starts.append(p + 4)
    return starts
  }

  private func readByteArrays(_ index: Int) throws -> ParquetColumnValues {
    var bytes: [UInt8] = []
    var offsets = [0]
    offsets.reserveCapacity(rowCount + 1)
    var valid: [Bool]? = nil
    try forEachChunk(ofColumn: index) { decoder, firstRow, rows in
      var dictionaryBytes: [UInt8] = []
      var dictionaryStarts: [Int] = []
      var row = firstRow
      try decoder.decode(
        dictionary: { raw, count in
          let starts = try Self.plainByteArrayOffsets(raw, count: count)
          dictionaryBytes = [UInt8](raw)
          dictionaryStarts = starts
        },
        page: { page in
          guard row + page.rowCount <= firstRow + rows else { throw CorruptData("pages hold more rows than the row group") }
          var k = 0
          func append(_ slice: UnsafeRawBufferPointer) { bytes.append(contentsOf: slice) }
          let plainStarts: [Int]
          if case .plain(let raw) = page.values {
            plainStarts = try Self.plainByteArrayOffsets(raw, count: page.valueCount)
          } else {
            plainStarts = []
          }
          for i in 0..<page.rowCount {
            if let present = page.present, present[i] == 0 {
              if valid == nil { valid = [Bool](repeating: true, count: rowCount) }
              valid![row + i] = false
              offsets.append(bytes.count)
              continue
            }
            switch page.values {
            case .plain(let raw):
              let start = plainStarts[k]
              let end = plainStarts[k + 1] - 4
              bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            case .dictionary(let indices):
              let d = Int(indices[k])
              let start = dictionaryStarts[d]
              let end = dictionaryStarts[d + 1] - 4
              bytes.append(contentsOf: dictionaryBytes[start..<end])
            }
            offsets.append(bytes.count)
            k += 1
          }
          row += page.rowCount
        })
      guard row == firstRow + rows else { throw CorruptData("pages hold \(row - firstRow) rows, expected \(rows)") }
    }
    return .byteArray(bytes: bytes, offsets: offsets, valid: valid)
  }
}
