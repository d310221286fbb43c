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
    var builder = Builder(featureCount: dataset.featureCount)
    for _ in 0..<copies {
      for rows in groups.eras {
        builder.addEra(features: make(rows, &rng), labels: dataset.targets.withUnsafeColumn(target) { c in rows.map { c[$0] } })
      }
    }
    return builder.blocks()
  }

  /// `copies` passes over every era: each row averaged with a random partner of its era, re-binned per era.
  static func averagedPairs(_ dataset: Dataset, groups: RowGroups, copies: Int, target: Int, rng: inout RandomSource)
    -> [TrainingRows.Block]
  {
    var builder = Builder(featureCount: dataset.featureCount)
    for _ in 0..<copies {
      for rows in groups.eras {
        let partners = rows.shuffled(using: &rng)
        let a = columns(dataset, rows: rows) { _, v in Double(v) }
        let b = columns(dataset, rows: partners) { _, v in Double(v) }
        let mixed = rebinned(zip(a, b).map { zip($0, $1).map { ($0 + $1) / 2 } })
        let labels = zip(rows, partners).map { r, q in (dataset.targets[r, target] + dataset.targets[q, target]) / 2 }
        builder.addEra(features: mixed, labels: labels)
      }
    }
    return builder.blocks()
  }

  /// Collects new eras' rows into one matrix that holds only them: one block per era.
  struct Builder {
    var columns: [[Int8]]
    var labels: [[Float]] = []

    init(featureCount: Int) { columns = Array(repeating: [], count: featureCount) }

    /// One era: feature columns (features × rows, values rounded into 0…4) and the trained target's labels.
    mutating func addEra(features: [[Double]], labels eraLabels: [Float]) {
      for j in features.indices { columns[j] += features[j].map { Int8(max(0, min(4, $0.rounded()))) } }
      labels.append(eraLabels)
    }

    func blocks() -> [TrainingRows.Block] {
      let matrix = ColumnMajorMatrix(columns: columns, rowCount: labels.reduce(0) { $0 + $1.count })
      var first = 0
      return labels.map { eraLabels in
        defer { first += eraLabels.count }
        return TrainingRows.Block(features: matrix, rows: Array(first..<(first + eraLabels.count)), labels: eraLabels)
      }
    }
  }
}
