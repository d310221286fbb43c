/// Numerai rows in era order: ids, eras, int8 features (column-major) and float targets (NaN = missing).
///
/// Invariants every loader establishes:
/// - rows are sorted by era, so era `e` owns the contiguous rows `eraRanges[e]`;
/// - `eras` are the era labels in ascending order (zero-padded strings such as `"0001"`);
/// - feature values are bins `0…4` (Numerai's quintiles), never widened to floating point;
/// - `targets` has one column per name in `targetNames`; a missing label is `Float.nan`.
public struct Dataset: Sendable {
  /// Row ids (Numerai's `id` index), one per row.
  public let ids: StringColumn
  /// Era labels in ascending order.
  public let eras: [String]
  /// The rows of each era: `eraRanges[e]` are the rows of `eras[e]`; consecutive and covering all rows.
  public let eraRanges: [Range<Int>]
  /// Feature names, one per column of `features`.
  public let featureNames: [String]
  /// Feature bins, `rowCount × featureNames.count`, column-major.
  public let features: ColumnMajorMatrix<Int8>
  /// Target names, one per column of `targets`; Numerai's main target (`target`) first when present.
  public let targetNames: [String]
  /// Target values, `rowCount × targetNames.count`, column-major; NaN where unlabelled.
  public let targets: ColumnMajorMatrix<Float>
  /// Numerai's `data_type` per row (`train`, `validation`, `live`), when the source had it.
  public let dataTypes: StringColumn?

  /// Assembles a dataset and checks the invariants above.
  public init(
    ids: StringColumn, eras: [String], eraRanges: [Range<Int>], featureNames: [String],
    features: ColumnMajorMatrix<Int8>, targetNames: [String], targets: ColumnMajorMatrix<Float>,
    dataTypes: StringColumn? = nil
  ) {
    let rows = ids.count
    precondition(eras.count == eraRanges.count, "one row range per era")
    precondition(zip(eras, eras.dropFirst()).allSatisfy { $0 < $1 }, "eras must be sorted and unique")
    var next = 0
    for range in eraRanges {
      precondition(range.lowerBound == next, "era ranges must be consecutive")
      next = range.upperBound
    }
    precondition(next == rows, "era ranges must cover all \(rows) rows")
    precondition(features.rowCount == rows && features.columnCount == featureNames.count, "feature matrix shape")
    precondition(targets.rowCount == rows && targets.columnCount == targetNames.count, "target matrix shape")
    precondition(dataTypes.map { $0.count == rows } ?? true, "one data_type per row")
    self.ids = ids
    self.eras = eras
    self.eraRanges = eraRanges
    self.featureNames = featureNames
    self.features = features
    self.targetNames = targetNames
    self.targets = targets
    self.dataTypes = dataTypes
  }

  /// Number of rows.
  public var rowCount: Int { ids.count }
  /// Number of feature columns.
  public var featureCount: Int { featureNames.count }

  /// The column index of a target, or nil when the data has no such target.
  public func targetIndex(named name: String) -> Int? { targetNames.firstIndex(of: name) }

  /// The column index of a feature, or nil.
  public func featureIndex(named name: String) -> Int? { featureNames.firstIndex(of: name) }

  /// The index of an era label, or nil.
  public func eraIndex(of label: String) -> Int? {
    var low = 0
    var high = eras.count
    while low < high {
      let mid = (low + high) / 2
      if eras[mid] < label { low = mid + 1 } else { high = mid }
    }
    return low < eras.count && eras[low] == label ? low : nil
  }

  /// The rows of a set of eras (by index), in era order, as a flat list of row indices.
  public func rows(ofEras eraIndices: some Sequence<Int>) -> [Int] {
    var rows: [Int] = []
    for e in eraIndices.sorted() { rows.append(contentsOf: eraRanges[e]) }
    return rows
  }
}
