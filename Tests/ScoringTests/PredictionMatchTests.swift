import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Scoring

/// Lining a predictions file up with the data: numerai-tools' 80 % rules, the meta-model's rows, bad values.
@Suite struct PredictionMatchTests {
  /// 4 eras × 10 rows, ids r00…r39; rows 30…39 (the last era) unlabelled, row 5 unlabelled.
  static let data: Dataset = {
    let labels = (0..<40).map { $0 >= 30 || $0 == 5 ? Float.nan : Float($0 % 5) / 4 }
    return Dataset(
      ids: StringColumn((0..<40).map { String(format: "r%02d", $0) }), eras: ["1", "2", "3", "4"],
      eraRanges: (0..<4).map { ($0 * 10)..<($0 * 10 + 10) }, featureNames: ["feature_a"],
      features: ColumnMajorMatrix(columns: [(0..<40).map { Int8($0 % 5) }], rowCount: 40), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [labels], rowCount: 40))
  }()

  /// A CSV of `rows`' ids (in reverse order) with `value(row)` as the prediction.
  static func table(_ dir: TemporaryDirectory, _ name: String, rows: [Int], column: String = "prediction", value: (Int) -> Double = { Double($0) })
    throws -> PredictionTable
  {
    let lines = ["id,\(column)"] + rows.reversed().map { String(format: "r%02d,", $0) + "\(value($0))" }
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file(name), atomically: true, encoding: .utf8)
    return try PredictionTable(path: dir.file(name))
  }

  /// Rows in data order with their file positions; an id the data lacks is left out; the meta-model keeps the
  /// rows it has a value for and gives those values in row order.
  @Test func rowsComeInDataOrderWithTheirPositionsAndTheMetaModelsValues() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let predicted = Array(0..<20) + [40]  // r40 is not in the data: 20 of 21 ids (95 %)
    var match = try PredictionMatch(try Self.table(dir, "p.csv", rows: predicted), dataset: Self.data, target: 0)
    #expect(match.rows == Array(0..<20))
    #expect(match.positions == (0..<20).map { 20 - $0 })
    #expect(try match.predictions("prediction", values: (0..<21).map { Double(100 - $0) }) == (0..<20).map { Double(80 + $0) })
    let meta = try Self.table(dir, "m.csv", rows: Array(0..<20), column: "numerai_meta_model") { $0 == 3 ? .nan : Double($0) / 10 }
    try match.attachMetaModel(meta, column: nil, ids: Self.data.ids)
    #expect(match.rows == (0..<20).filter { $0 != 3 })
    #expect(match.metaModel == (0..<20).filter { $0 != 3 }.map { Double($0) / 10 })
  }

  /// Each 80 % rule fails with one error naming the file and the counts.
  @Test func eachRuleFailsWithItsCounts() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let few = try Self.table(dir, "few.csv", rows: Array(0..<3) + Array(100..<102))
    #expect(throws: DataError(path: few.path, "only 3 of its 5 ids are in the data (40 rows): 60.0%, expected at least 80% as numerai-tools requires")) {
      try PredictionMatch(few, dataset: Self.data, target: 0)
    }
    let partial = try Self.table(dir, "partial.csv", rows: Array(0..<5) + Array(10..<15))  // 2 eras, 10 of their 19 labelled rows
    #expect(throws: DataError(path: partial.path, "covers only 10 of the 19 labelled rows in its eras; expected at least 80%")) {
      try PredictionMatch(partial, dataset: Self.data, target: 0)
    }
    let live = try Self.table(dir, "live.csv", rows: Array(30..<40))
    #expect(throws: DataError(path: live.path, "none of its rows has a 'target' value in the data; nothing to score")) {
      try PredictionMatch(live, dataset: Self.data, target: 0)
    }
    var match = try PredictionMatch(try Self.table(dir, "p.csv", rows: Array(0..<10)), dataset: Self.data, target: 0)
    let sparse = try Self.table(dir, "m.csv", rows: Array(0..<7))
    #expect(throws: DataError(path: sparse.path, "only 7 of the 10 scored ids have a meta-model value; expected at least 80%")) {
      try match.attachMetaModel(sparse, column: nil, ids: Self.data.ids)
    }
    #expect(throws: DataError(path: match.path, column: "prediction", "all 10 predictions equal 1.0; nothing to score")) {
      try match.predictions("prediction", values: Array(repeating: 1, count: 10))
    }
  }
}
