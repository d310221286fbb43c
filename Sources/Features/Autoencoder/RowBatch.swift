import NumeraiData

/// Rows of a data set as a network's input: the chosen feature columns scaled from 0…4 to −1…1, row-major,
/// and one era value per row.
struct RowBatch {
  let rows: Int
  /// `rows × columns.count`, row-major, (value − 2) / 2.
  let features: [Float]
  /// One per row.
  let eraValues: [Float]

  /// The rows `rowIndices` of `dataset` over its feature columns `columns`, with each row's era value.
  // PERFORMANCE: gathers rows × features int8 values column by column (one pass per feature column).
  init(_ dataset: Dataset, columns: [Int], rowIndices: some Collection<Int>, eraValueOfRow: (Int) -> Float) {
    rows = rowIndices.count
    let width = columns.count
    var features = [Float](repeating: 0, count: rows * width)
    features.withUnsafeMutableBufferPointer { out in
      for (k, j) in columns.enumerated() {
        dataset.features.withUnsafeColumn(j) { column in
          for (r, row) in rowIndices.enumerated() { out[r * width + k] = (Float(column[row]) - 2) / 2 }
        }
      }
    }
    self.features = features
    eraValues = rowIndices.map(eraValueOfRow)
  }

  /// Each row's features followed by its era value (`rows × (features + 1)`).
  func featuresAndEra() -> [Float] {
    Self.concatenate(features, width: features.count / max(rows, 1), eraValues, width: 1, rows: rows)
  }

  /// Row-wise concatenation of two row-major matrices.
  static func concatenate(_ a: [Float], width wa: Int, _ b: [Float], width wb: Int, rows: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * (wa + wb))
    for r in 0..<rows {
      for j in 0..<wa { out[r * (wa + wb) + j] = a[r * wa + j] }
      for j in 0..<wb { out[r * (wa + wb) + wa + j] = b[r * wb + j] }
    }
    return out
  }
}
