extension ParquetFile {
  /// FIXED_LEN_BYTE_ARRAY values: `FLOAT16` as `.float`, `DECIMAL` as `.double` (unscaled × 10^-scale,
  /// correctly rounded), anything else as `.byteArray` (a null as an empty value).
  func readFixedLengthByteArrays(_ index: Int) throws -> ParquetColumnValues {
    let column = columns[index]
    let width = column.fixedLength ?? 0
    let (bytes, valid) = try readFixedWidth(index, width: width)
    let isNull = { (row: Int) in valid.map { !$0[row] } ?? false }
    if column.isFloat16 {
      let values = FixedWidthValues.float16s(bytes).enumerated().map { isNull($0) ? Float.nan : $1 }
      return .float(values, valid: valid)
    }
    if let scale = column.decimalScale {
      let values = (0..<rowCount).map { row in
        isNull(row) ? Double.nan : FixedWidthValues.decimal(bytes[(row * width)..<((row + 1) * width)], scale: scale)
      }
      return .double(values, valid: valid)
    }
    guard let valid else { return .byteArray(bytes: bytes, offsets: (0...rowCount).map { $0 * width }, valid: nil) }
    var kept: [UInt8] = []
    var offsets = [0]
    for row in 0..<rowCount {
      if valid[row] { kept.append(contentsOf: bytes[(row * width)..<((row + 1) * width)]) }
      offsets.append(kept.count)
    }
    return .byteArray(bytes: kept, offsets: offsets, valid: valid)
  }

  /// BYTE_ARRAY values annotated `DECIMAL` (big-endian two's complement of any length) as `.double`.
  func decimals(_ values: ParquetColumnValues, scale: Int) -> ParquetColumnValues {
    guard case .byteArray(let bytes, let offsets, let valid) = values else { return values }
    let decimals = (0..<values.count).map { row in
      valid?[row] == false ? Double.nan : FixedWidthValues.decimal(bytes[offsets[row]..<offsets[row + 1]], scale: scale)
    }
    return .double(decimals, valid: valid)
  }
}
