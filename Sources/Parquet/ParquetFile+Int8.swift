import Foundation

extension ParquetFile {
  /// Decodes numeric columns straight into int8 buffers, several columns in parallel.
  ///
  /// `outputs[k]` receives column `indices[k]` (`rowCount` values). INT32 and INT64 values must fit in Int8;
  /// FLOAT and DOUBLE values become `Int8((x * floatScale).rounded())`; nulls and NaN become `missing`.
  /// Dictionary pages are converted once per chunk into a lookup table, so a dictionary-encoded page costs
  /// one table lookup per row. Returns, per column, how many nulls or NaN were replaced by `missing`.
  ///
  /// - Complexity: O(rows × columns) over `threads` threads; each holds one page at a time.
  public func readInt8Columns(
    _ indices: [Int], into outputs: [UnsafeMutableBufferPointer<Int8>], floatScale: Double, missing: Int8,
    threads: Int
  ) throws -> [Int] {
    precondition(indices.count == outputs.count, "one output per column")
    for (k, index) in indices.enumerated() {
      precondition(index >= 0 && index < columns.count, "column index \(index) out of range")
      precondition(outputs[k].count == rowCount, "each output holds rowCount values")
      guard [.int32, .int64, .float, .double].contains(columns[index].physicalType) else {
        throw ParquetError(
          path: path, column: columns[index].name,
          reason: "\(columns[index].physicalType.name) values cannot be read as int8 (expected INT32, INT64, FLOAT or DOUBLE)")
      }
    }
    let results = ResultSlots(count: indices.count)
    // Each output buffer is written by the one thread that decodes its column.
    nonisolated(unsafe) let outputs = outputs
    let chunks = max(1, min(threads, indices.count))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      // Columns are dealt round-robin to threads; each column is decoded by exactly one thread.
      for k in stride(from: chunk, to: indices.count, by: chunks) {
        if results.hasFailure { return }
        do {
          results.set(k, .success(try readInt8Column(indices[k], into: outputs[k], floatScale: floatScale, missing: missing)))
        } catch {
          results.set(k, .failure(error))
        }
      }
    }
    return try results.values()
  }

  private func readInt8Column(
    _ index: Int, into out: UnsafeMutableBufferPointer<Int8>, floatScale: Double, missing: Int8
  ) throws -> Int {
    let type = columns[index].physicalType
    let size = type == .int32 || type == .float ? 4 : 8
    var replaced = 0
    /// The bin of the value at `offset`, or nil for NaN.
    func convert(_ raw: UnsafeRawBufferPointer, _ offset: Int) throws -> Int8? {
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
    try forEachChunk(ofColumn: index) { decoder, firstRow, rows in
      // Dictionary value d becomes table[d]; a NaN entry is `missing` and flagged in `isNaN`.
      var table: [Int8] = []
      var isNaN: [Bool] = []
      var dictionaryHasNaN = false
      var row = firstRow
      try decoder.decode(
        dictionary: { raw, count in
          guard count <= raw.count / size else { throw CorruptData("dictionary page too short for \(count) values") }
          table = []
          isNaN = []
          for d in 0..<count {
            let b = try convert(raw, d * size)
            table.append(b ?? missing)
            isNaN.append(b == nil)
          }
          dictionaryHasNaN = isNaN.contains(true)
        },
        page: { page in
          guard row + page.rowCount <= firstRow + rows else { throw CorruptData("pages hold more rows than the row group") }
          let target = out.baseAddress! + row
          switch (page.values, page.present) {
          case (.dictionary(let ix), nil):
            // The hot path: every row present, one lookup each.
            table.withUnsafeBufferPointer { t in
              for i in 0..<page.rowCount { target[i] = t[Int(ix[i])] }
            }
            if dictionaryHasNaN { for i in 0..<page.rowCount where isNaN[Int(ix[i])] { replaced += 1 } }
          case (.dictionary(let ix), let present?):
            var k = 0
            for i in 0..<page.rowCount {
              if present[i] != 0 {
                let d = Int(ix[k])
                target[i] = table[d]
                if isNaN[d] { replaced += 1 }
                k += 1
              } else {
                target[i] = missing
                replaced += 1
              }
            }
          case (.plain(let raw), let present):
            guard page.valueCount <= raw.count / size else { throw CorruptData("page too short for its values") }
            var k = 0
            for i in 0..<page.rowCount {
              if let present, present[i] == 0 {
                target[i] = missing
                replaced += 1
                continue
              }
              if let b = try convert(raw, k * size) {
                target[i] = b
              } else {
                target[i] = missing
                replaced += 1
              }
              k += 1
            }
          }
          row += page.rowCount
        })
      guard row == firstRow + rows else { throw CorruptData("pages hold \(row - firstRow) rows, expected \(rows)") }
    }
    return replaced
  }
}

/// Per-column results written by parallel workers: each slot by exactly one thread, read after all finish.
private final class ResultSlots: @unchecked Sendable {
  private var slots: [Result<Int, any Error>?]
  private let lock = NSLock()
  private(set) var hasFailure = false

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ k: Int, _ result: Result<Int, any Error>) {
    lock.lock()
    defer { lock.unlock() }
    slots[k] = result
    if case .failure = result { hasFailure = true }
  }

  /// The counts in column order, or the first column's error.
  func values() throws -> [Int] {
    for slot in slots { if case .failure(let error)? = slot { throw error } }
    return slots.map { slot in
      if case .success(let n)? = slot { return n }
      return 0
    }
  }
}
