import NeuralNetwork
import NumeraiData

/// Builds augmented rows whose values differ from their source rows' (noise, row averages): feature values per
/// column, re-binned where asked, gathered into a matrix that holds only the new rows.
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

  /// `copies` passes over every era of `groups`, each era's new feature columns from `make`; labels copied.
  static func copies(
    _ dataset: Dataset, groups: RowGroups, copies: Int, target: Int, rng: inout RandomSource,
    make: ([Int], inout RandomSource) -> [[Double]]
  ) -> [TrainingRows.Block] {
    newRows(dataset, groups: groups, copies: copies) { rows in
      (make(rows, &rng), dataset.targets.withUnsafeColumn(target) { c in rows.map { c[$0] } })
    }
  }

  /// `copies` passes over every era: each row averaged with a random partner of its era, re-binned per era.
  static func averagedPairs(_ dataset: Dataset, groups: RowGroups, copies: Int, target: Int, rng: inout RandomSource)
    -> [TrainingRows.Block]
  {
    newRows(dataset, groups: groups, copies: copies) { rows in
      let partners = rows.shuffled(using: &rng)
      let a = columns(dataset, rows: rows) { _, v in Double(v) }
      let b = columns(dataset, rows: partners) { _, v in Double(v) }
      let mixed = rebinned(zip(a, b).map { zip($0, $1).map { ($0 + $1) / 2 } })
      return (mixed, zip(rows, partners).map { r, q in (dataset.targets[r, target] + dataset.targets[q, target]) / 2 })
    }
  }

  /// `copies` passes over the eras of `groups`: `era` makes each era's new feature columns (features × rows,
  /// rounded into 0…4) and labels, written straight into one matrix that holds only the new rows; one block per era.
  private static func newRows(
    _ dataset: Dataset, groups: RowGroups, copies: Int, era: ([Int]) -> (features: [[Double]], labels: [Float])
  ) -> [TrainingRows.Block] {
    let total = copies * groups.eras.reduce(0) { $0 + $1.count }
    var labels: [[Float]] = []
    let matrix = ColumnMajorMatrix<Int8>(rowCount: total, columnCount: dataset.featureCount) { out in
      var first = 0
      for _ in 0..<copies {
        for rows in groups.eras {
          let (features, eraLabels) = era(rows)
          for (j, column) in features.enumerated() {
            for (i, value) in column.enumerated() { out[j * total + first + i] = Int8(max(0, min(4, value.rounded()))) }
          }
          labels.append(eraLabels)
          first += rows.count
        }
      }
    }
    var first = 0
    return labels.map { eraLabels in
      defer { first += eraLabels.count }
      return TrainingRows.Block(features: matrix, rows: Array(first..<(first + eraLabels.count)), labels: eraLabels)
    }
  }
}
