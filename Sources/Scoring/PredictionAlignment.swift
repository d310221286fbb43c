import NumeraiData

/// Predictions matched to a dataset's rows by id, checked the way numerai-tools checks them.
public struct AlignedPredictions: Sendable {
  /// Dataset rows, ascending.
  public let rows: [Int]
  /// Each prediction column's values, aligned with `rows`.
  public let columns: [(name: String, values: [Double])]
  /// For each aligned row, its position in the predictions file.
  public let positions: [Int]
}

/// Matches predictions to dataset rows by id and refuses what numerai-tools would refuse.
public enum PredictionAlignment {
  /// Aligns `columns` (one value per entry of `ids`) with the rows of `dataset`.
  ///
  /// Throws when ids repeat, when fewer than `minimumOverlap` of the predictions or of the data rows in the
  /// eras they cover match (numerai-tools requires 80 %), or when a column holds NaN or is constant.
  public static func align(
    ids: [String], columns: [(name: String, values: [Double])], to dataset: Dataset, minimumOverlap: Double = 0.8
  ) throws -> AlignedPredictions {
    var matched: [(row: Int, position: Int)] = []
    if StringColumn(ids) == dataset.ids {
      // The common case, predictions made for this very file: row i is prediction i, no hashing needed.
      matched = ids.indices.map { ($0, $0) }
    } else {
      var rowOfID: [String: Int] = [:]
      rowOfID.reserveCapacity(dataset.rowCount)
      for (r, id) in dataset.ids.enumerated() { rowOfID[id] = r }
      var seen = Set<String>()
      for (i, id) in ids.enumerated() {
        guard seen.insert(id).inserted else { throw ScoringError("prediction id '\(id)' appears more than once") }
        if let r = rowOfID[id] { matched.append((r, i)) }
      }
      matched.sort { $0.row < $1.row }
    }
    var eraOfRow = [Int](repeating: 0, count: dataset.rowCount)
    for (e, range) in dataset.eraRanges.enumerated() { for r in range { eraOfRow[r] = e } }
    let coveredEras = Set(matched.map { eraOfRow[$0.row] })
    let rowsInEras = coveredEras.reduce(0) { $0 + dataset.eraRanges[$1].count }
    let share = ids.isEmpty ? 0 : Double(matched.count) / Double(ids.count)
    let dataShare = rowsInEras == 0 ? 0 : Double(matched.count) / Double(rowsInEras)
    guard share >= minimumOverlap, dataShare >= minimumOverlap else {
      throw ScoringError(
        "the predictions' ids match \(matched.count) of \(ids.count) predictions and of \(rowsInEras) data rows in their eras; "
          + "expected at least \(Int(minimumOverlap * 100)) % of both, as numerai-tools requires")
    }
    let aligned = try columns.map { column -> (name: String, values: [Double]) in
      let values = matched.map { column.values[$0.position] }
      if let bad = matched.first(where: { column.values[$0.position].isNaN }) {
        throw ScoringError("column '\(column.name)': prediction for id '\(ids[bad.position])' is NaN, expected a number")
      }
      guard let first = values.first, values.contains(where: { $0 != first }) else {
        throw ScoringError("column '\(column.name)': every prediction is the same value, expected predictions that rank rows")
      }
      return (column.name, values)
    }
    return AlignedPredictions(rows: matched.map(\.row), columns: aligned, positions: matched.map(\.position))
  }
}
