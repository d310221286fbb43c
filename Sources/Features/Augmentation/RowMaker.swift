import NeuralNetwork
import NumeraiData

/// Builds augmented rows: feature values per column, re-binned where asked, assembled into a data set whose eras
/// follow the real ones.
enum RowMaker {
  /// `value(j, x)` for every feature column j of `rows` (column-major: features × rows).
  static func columns(_ dataset: Dataset, rows: [Int], value: (Int, Int8) -> Double) -> [[Double]] {
    (0..<dataset.featureCount).map { j in dataset.features.withUnsafeColumn(j) { c in rows.map { value(j, c[$0]) } } }
  }

  /// Each column binned into five equal-count bins 0…4 over its rows (ties by position).
  static func rebinned(_ columns: [[Double]]) -> [[Double]] {
    columns.map { values in
      let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
      var out = [Double](repeating: 0, count: values.count)
      for (position, i) in order.enumerated() { out[i] = Double(position * 5 / values.count) }
      return out
    }
  }

  /// `copies` passes over every era of `groups`, each era's new feature columns from `make`; targets copied.
  static func copies(
    _ dataset: Dataset, groups: RowGroups, copies: Int, target: Int, rng: inout RandomSource,
    make: ([Int], inout RandomSource) -> [[Double]]
  ) -> Dataset {
    var builder = Builder(dataset, kind: "augmented")
    for copy in 0..<copies {
      for rows in groups.eras {
        builder.addEra(features: make(rows, &rng), targets: rows.map { r in dataset.targets.columnArrayValue(r) }, tag: copy)
      }
    }
    return builder.dataset()
  }

  /// `copies` passes over every era: each row averaged with a random partner of its era, re-binned per era.
  static func averagedPairs(_ dataset: Dataset, groups: RowGroups, copies: Int, target: Int, rng: inout RandomSource) -> Dataset {
    var builder = Builder(dataset, kind: "augmented")
    for copy in 0..<copies {
      for rows in groups.eras {
        let partners = rows.shuffled(using: &rng)
        let a = columns(dataset, rows: rows) { _, v in Double(v) }
        let b = columns(dataset, rows: partners) { _, v in Double(v) }
        let mixed = rebinned(zip(a, b).map { zip($0, $1).map { ($0 + $1) / 2 } })
        let targets = zip(rows, partners).map { r, q in
          zip(dataset.targets.columnArrayValue(r), dataset.targets.columnArrayValue(q)).map { ($0 + $1) / 2 }
        }
        builder.addEra(features: mixed, targets: targets, tag: copy)
      }
    }
    return builder.dataset()
  }

  /// Assembles new eras (named after the data's last era) into one data set.
  struct Builder {
    let source: Dataset
    let kind: String
    var columns: [[Int8]]
    var targets: [[Float]]
    var eras: [String] = []
    var ranges: [Range<Int>] = []
    var ids: [String] = []

    init(_ source: Dataset, kind: String) {
      self.source = source
      self.kind = kind
      columns = Array(repeating: [], count: source.featureCount)
      targets = Array(repeating: [], count: source.targetNames.count)
    }

    /// One era: feature columns (features × rows, values rounded into 0…4) and per-row target vectors.
    mutating func addEra(features: [[Double]], targets rowTargets: [[Float]], tag: Int) {
      let start = ids.count
      let name = (source.eras.last ?? "") + "~" + (kind == "synthetic" ? "s" : "a") + String(format: "%03d%05d", tag, eras.count)
      for j in features.indices { columns[j] += features[j].map { Int8(max(0, min(4, $0.rounded()))) } }
      for (k, _) in targets.enumerated() { targets[k] += rowTargets.map { $0[k] } }
      ids += rowTargets.indices.map { "\(name)-\($0)" }
      eras.append(name)
      ranges.append(start..<ids.count)
    }

    func dataset() -> Dataset {
      Dataset(
        ids: StringColumn(ids), eras: eras, eraRanges: ranges, featureNames: source.featureNames,
        features: ColumnMajorMatrix(columns: columns, rowCount: ids.count), targetNames: source.targetNames,
        targets: ColumnMajorMatrix(columns: targets, rowCount: ids.count), dataTypes: StringColumn(ids.map { _ in kind }))
    }
  }
}

extension ColumnMajorMatrix where Element == Float {
  /// Row `row` across every column.
  func columnArrayValue(_ row: Int) -> [Float] { (0..<columnCount).map { self[row, $0] } }
}
