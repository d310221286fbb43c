import NumeraiData

/// Continuous feature values binned per era into five equal-count bins (int8 0…4), as Numerai bins its own
/// features: within each era the lowest fifth of rows by value get 0, the next fifth 1, and so on; ties are
/// broken by row order, so the result is deterministic.
enum EraBinning {
  static let bins = 5

  /// `values` (one per row of `dataset`) binned per era.
  static func bin(_ values: [Double], eraRanges: [Range<Int>]) -> [Int8] {
    var out = [Int8](repeating: 0, count: values.count)
    for range in eraRanges {
      let order = range.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
      for (position, row) in order.enumerated() { out[row] = Int8(position * bins / order.count) }
    }
    return out
  }

  /// `dataset` with its features replaced by `scores` (one array per output, one value per row) binned per era,
  /// named `names`; ids, eras and targets unchanged.
  static func dataset(_ dataset: Dataset, binning scores: [[Double]], as names: [String]) -> Dataset {
    self.dataset(dataset, columns: scores.map { bin($0, eraRanges: dataset.eraRanges) }, as: names)
  }

  /// `dataset(_:binning:as:)`, with the scores kept.
  static func output(_ dataset: Dataset, binning scores: [[Double]], as names: [String]) -> StageOutput {
    StageOutput(dataset: self.dataset(dataset, binning: scores, as: names), scores: Array(zip(names, scores)))
  }

  /// The columns of a row-major `rows × width` matrix, as scores for `dataset(_:binning:as:)`.
  static func columns(ofRowMajor values: [Float], width: Int, rows: Int) -> [[Double]] {
    (0..<width).map { j in (0..<rows).map { Double(values[$0 * width + j]) } }
  }

  /// `dataset` with its features replaced by `columns` (int8 0…4, one value per row), named `names`.
  static func dataset(_ dataset: Dataset, columns: [[Int8]], as names: [String]) -> Dataset {
    Dataset(
      ids: dataset.ids, eras: dataset.eras, eraRanges: dataset.eraRanges, featureNames: names,
      features: ColumnMajorMatrix(columns: columns, rowCount: dataset.rowCount), targetNames: dataset.targetNames,
      targets: dataset.targets, dataTypes: dataset.dataTypes)
  }
}
