/// The rows a model is fitted on: rows of a data set, then any rows made for training (augmentations), each read
/// where it lies — the data set's own columns, a matrix that holds only the new rows, or the data set's rows with
/// some columns read as the middle bin — so a fit never copies the data set.
public struct TrainingRows: Sendable {
  /// Rows of a feature matrix whose columns are the data set's features, with the trained target's label per row.
  public struct Block: Sendable {
    public let features: ColumnMajorMatrix<Int8>
    public let rows: [Int]
    /// Feature columns read as the middle bin 2 in these rows (cutout), ascending.
    public let middleColumns: [Int]
    /// The trained target's label per row of `rows` (NaN rows are left out of a fit).
    public let labels: [Float]

    public init(features: ColumnMajorMatrix<Int8>, rows: [Int], middleColumns: [Int] = [], labels: [Float]) {
      precondition(labels.count == rows.count, "one label per row")
      self.features = features
      self.rows = rows
      self.middleColumns = middleColumns.sorted()
      self.labels = labels
    }

    /// Feature `j` of this block's row `k`, as the model sees it.
    public func value(_ k: Int, feature j: Int) -> Int8 {
      middleColumns.contains(j) ? 2 : features[rows[k], j]
    }

    /// The block without its NaN-labelled rows.
    public func labelled() -> Block {
      guard labels.contains(where: \.isNaN) else { return self }
      let kept = labels.indices.filter { !labels[$0].isNaN }
      return Block(features: features, rows: kept.map { rows[$0] }, middleColumns: middleColumns, labels: kept.map { labels[$0] })
    }
  }

  public let dataset: Dataset
  /// The data set's own training rows.
  public let rows: [Int]
  /// The trained target (a column of `dataset.targets`).
  public let target: Int
  /// Rows made for training, in the order they follow `rows`.
  public let extra: [Block]

  public init(_ dataset: Dataset, rows: [Int], target: Int, extra: [Block] = []) {
    self.dataset = dataset
    self.rows = rows
    self.target = target
    self.extra = extra
  }

  /// Every block in training order: the data set's rows first.
  public var blocks: [Block] {
    let labels = dataset.targets.withUnsafeColumn(target) { column in rows.map { column[$0] } }
    return [Block(features: dataset.features, rows: rows, labels: labels)] + extra
  }

  /// Rows made for training.
  public var extraRowCount: Int { extra.reduce(0) { $0 + $1.rows.count } }
}
