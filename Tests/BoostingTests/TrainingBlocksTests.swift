import Foundation
import NumeraiData
import Testing

@testable import Boosting

/// Rows made for training are read where they lie (the data set's own rows with columns read as 2, or a matrix
/// holding only new rows): the model is the one trained on a data set that holds all those rows as a copy.
@Suite struct TrainingBlocksTests {
  /// Seeded random data: `rows` rows × `features` int8 features 0…4 in eras of 50, one target with some NaNs.
  static func dataset(rows: Int, features: Int, seed: UInt64) -> Dataset {
    var rng = SplitMix64(seed: seed)
    let columns = (0..<features).map { _ in (0..<rows).map { _ in Int8(rng.next() % 5) } }
    let target = (0..<rows).map { i -> Float in
      i % 37 == 5 ? .nan : Float(columns[0][i] + columns[3][i]) / 8 + Float(rng.next() % 5) / 20
    }
    let eras = (0..<(rows / 50)).map { String(format: "%04d", $0) }
    return Dataset(
      ids: StringColumn((0..<rows).map { "r\($0)" }), eras: eras, eraRanges: eras.indices.map { ($0 * 50)..<($0 * 50 + 50) },
      featureNames: (0..<features).map { "feature_\($0)" }, features: ColumnMajorMatrix(columns: columns, rowCount: rows),
      targetNames: ["target"], targets: ColumnMajorMatrix(columns: [target], rowCount: rows))
  }

  /// `training`'s rows gathered into one new data set (a copy, as the trainer once needed): values as the
  /// model sees them, the trained target's labels.
  static func materialised(_ training: TrainingRows) -> Dataset {
    let blocks = training.blocks
    let features = (0..<training.dataset.featureCount).map { j in
      blocks.flatMap { block in block.rows.indices.map { block.value($0, feature: j) } }
    }
    let labels = blocks.flatMap(\.labels)
    return Dataset(
      ids: StringColumn(labels.indices.map { "m\($0)" }), eras: ["0"], eraRanges: [0..<labels.count],
      featureNames: training.dataset.featureNames, features: ColumnMajorMatrix(columns: features, rowCount: labels.count),
      targetNames: ["target"], targets: ColumnMajorMatrix(columns: [labels], rowCount: labels.count))
  }

  /// Base rows with gaps, a cutout-like block of the same matrix (three columns read as 2, one of them sampled
  /// often), and a block of a separate matrix of new rows with NaN labels: the same trees, leaf for leaf, as
  /// training on the copy; on one and two threads, with column sampling and without.
  @Test(arguments: [(1, 1.0), (2, 1.0), (2, 0.3)])
  func blocksTrainTheModelOfTheirCopy(threads: Int, colsample: Double) throws {
    let data = Self.dataset(rows: 2000, features: 40, seed: 11)
    let newRows = Self.dataset(rows: 600, features: 40, seed: 12)
    let baseRows = (0..<1500).filter { $0 % 7 != 3 }
    let cutRows = Array(100..<400) + Array(900..<1000)
    let training = TrainingRows(
      data, rows: baseRows, target: 0,
      extra: [
        .init(features: data.features, rows: cutRows, middleColumns: [3, 17, 0], labels: cutRows.map { data.targets[$0, 0] }),
        .init(features: newRows.features, rows: Array(0..<600), labels: newRows.targets.columnArray(0)),
      ])
    var parameters = BoostingParameters()
    parameters.nEstimators = 30
    parameters.numLeaves = 15
    parameters.maxDepth = 5
    parameters.learningRate = 0.1
    parameters.colsampleBytree = colsample
    parameters.minChildSamples = 20
    let blocks = try GBDTTrainer.train(training, parameters: parameters, threads: threads)
    let copy = Self.materialised(training)
    let copied = try GBDTTrainer.train(copy, rows: Array(0..<copy.rowCount), target: 0, parameters: parameters, threads: threads)
    #expect(blocks.trees.count == 30)
    #expect(blocks.trainingRows == copied.trainingRows)
    #expect(blocks.trainingRows == baseRows.count + cutRows.count + 600 - (baseRows + cutRows).filter { $0 % 37 == 5 }.count - (0..<600).filter { $0 % 37 == 5 }.count)
    #expect(blocks.lightGBMModelText() == copied.lightGBMModelText())
    #expect(try blocks.predict(data) == copied.predict(data))
  }

  /// Value counts (which give the bins and the model's feature ranges): a block's middle column adds all its rows
  /// to value 2, its other columns count their values.
  @Test func middleColumnsCountAsTheMiddleBin() throws {
    let data = Self.dataset(rows: 500, features: 6, seed: 3)
    let counts = GBDTTrainer.valueCounts(
      [.init(features: data.features, rows: Array(0..<100), labels: Array(repeating: 0, count: 100)),
       .init(features: data.features, rows: Array(0..<50), middleColumns: [2], labels: Array(repeating: 0, count: 50))],
      featureCount: 6)
    var expected = [Int](repeating: 0, count: 5)
    for r in 0..<100 { expected[Int(data.features[r, 2])] += 1 }
    expected[2] += 50
    #expect(counts[2] == expected)
    #expect(counts[1].reduce(0, +) == 150)
  }
}
