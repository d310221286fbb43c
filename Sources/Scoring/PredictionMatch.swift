import NumeraiData

/// A predictions file lined up with a data set by id, checked as numerai-tools checks before scoring: the data
/// rows that have a prediction (in row order), each one's position in the file, and, once attached, the
/// meta-model's value per row.
public struct PredictionMatch {
  /// Data set rows with a prediction, ascending.
  public private(set) var rows: [Int]
  /// Per row of `rows`, its position in the predictions file.
  public private(set) var positions: [Int]
  /// Per row of `rows`, the meta-model's prediction (after `attachMetaModel`).
  public private(set) var metaModel: [Double]?
  let table: PredictionTable
  var path: String { table.path }

  /// Matches `table` to `dataset`: at least 80 % of its ids must be in the data, and within the eras it predicts
  /// at least 80 % of the rows labelled in target column `target` must have a prediction.
  /// - Throws: `DataError` naming the file and the counts when either fails or no predicted row is labelled.
  public init(_ table: PredictionTable, dataset: Dataset, target: Int) throws {
    self.table = table
    let found = try table.positions(of: Array(0..<dataset.rowCount), in: dataset.ids)
    rows = found.indices.filter { found[$0] != nil }
    positions = rows.map { found[$0]! }
    let overlap = Double(rows.count) / Double(max(1, table.ids.count))
    guard overlap >= 0.8 else {
      throw DataError(
        path: path,
        "only \(rows.count) of its \(table.ids.count) ids are in the data (\(dataset.rowCount) rows): "
          + String(format: "%.1f%%", overlap * 100) + ", expected at least 80% as numerai-tools requires")
    }
    try checkCoverage(dataset, target: target)
  }

  /// Within the eras predicted, most labelled rows must have a prediction too.
  private func checkCoverage(_ dataset: Dataset, target: Int) throws {
    let labels = dataset.targets.columnArray(target)
    var erasHit = Set<Int>()
    var era = 0
    for r in rows {
      while r >= dataset.eraRanges[era].upperBound { era += 1 }
      erasHit.insert(era)
    }
    let labelled = erasHit.reduce(0) { sum, e in sum + dataset.eraRanges[e].filter { !labels[$0].isNaN }.count }
    let labelledPredicted = rows.filter { !labels[$0].isNaN }.count
    guard labelled == 0 || labelledPredicted * 5 >= labelled * 4 else {
      throw DataError(path: path, "covers only \(labelledPredicted) of the \(labelled) labelled rows in its eras; expected at least 80%")
    }
    guard labelledPredicted > 0 else {
      throw DataError(path: path, "none of its rows has a '\(dataset.targetNames[target])' value in the data; nothing to score")
    }
  }

  /// Keeps only the rows that have a value in column `column` of the meta-model file `meta` (`ids` are the data
  /// set's) and records those values.
  /// - Throws: `DataError` naming the meta-model file when fewer than 80 % of the matched rows have one.
  public mutating func attachMetaModel(_ meta: PredictionTable, column: String?, ids: StringColumn) throws {
    let values = try meta.column(column)
    let found = try meta.positions(of: rows, in: ids)
    let kept = rows.indices.filter { i in found[i].map { !values[$0].isNaN } ?? false }
    guard kept.count * 5 >= rows.count * 4 else {
      throw DataError(path: meta.path, "only \(kept.count) of the \(rows.count) scored ids have a meta-model value; expected at least 80%")
    }
    metaModel = kept.map { values[found[$0]!] }
    rows = kept.map { rows[$0] }
    positions = kept.map { positions[$0] }
  }

  /// Prediction column `name`'s values for `rows`, in order.
  /// - Throws: `DataError` naming the file and column for a value that is not a finite number, or when every
  ///   prediction is the same (nothing to rank).
  public func predictions(_ name: String, values: [Double]) throws -> [Double] {
    let p = positions.map { values[$0] }
    if let bad = p.firstIndex(where: { !$0.isFinite }) {
      throw DataError(path: path, column: name, "value \(p[bad]) for id \(table.ids[positions[bad]]); expected a number")
    }
    if let first = p.first, !p.contains(where: { $0 != first }) {
      throw DataError(path: path, column: name, "all \(p.count) predictions equal \(first); nothing to score")
    }
    return p
  }
}
