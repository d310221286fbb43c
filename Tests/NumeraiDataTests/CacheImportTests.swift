import Foundation
import NumeraiData
import Parquet
import Testing

/// `data import` streams feature columns from the files to the cache a batch at a time: the cache must be the
/// very bytes that loading everything and writing it gives, in any file order and batch size.
@Suite struct CacheImportTests {
  static let synthetic = Result {
    try SyntheticNumerai(.init(eras: 14, rowsPerEra: 30, features: 16, targets: 2, seed: 9, validationEras: 5, unlabelledEras: 1))
  }

  /// The train and validation files of `synthetic`.
  static func files() throws -> (train: String, validation: String) {
    let s = try synthetic.get()
    let (train, validation) = (temporaryPath("train.parquet"), temporaryPath("validation.parquet"))
    try SyntheticNumerai.writeParquet(s.train, to: train)
    try SyntheticNumerai.writeParquet(s.validation, to: validation)
    return (train, validation)
  }

  /// The cache `load` + `DatasetCache.write` make of `paths`.
  static func wholeCache(_ paths: [String], options: DatasetLoadOptions = .init()) throws -> Data {
    let path = temporaryPath("whole.smd")
    try DatasetCache.write(try DatasetLoader.load(paths: paths, options: options).dataset, to: path)
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }

  @Test(arguments: [1, 3, 16, 40]) func batchesOfAnySizeWriteTheBytesOfAWholeLoad(columnsPerBatch: Int) throws {
    let (train, validation) = try Self.files()
    let rows = try Self.synthetic.get().train.rowCount + Self.synthetic.get().validation.rowCount
    for paths in [[train, validation], [validation, train]] {
      let out = temporaryPath("streamed.smd")
      let imported = try DatasetLoader.importCache(paths: paths, to: out, batchBytes: columnsPerBatch * rows)
      #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.wholeCache(paths))
      #expect(imported.dataset.rowCount == rows)
      #expect(imported.warnings.isEmpty)
    }
  }

  @Test func aFeatureSubsetAndNaNWarningsMatchTheWholeLoad() throws {
    let path = temporaryPath("nan.parquet")
    let n = 12
    try ParquetWriter().write(
      [
        .string("era", (0..<n).map { String(format: "%04d", 1 + $0 / 4) }),
        .float("feature_a", (0..<n).map { $0 % 5 == 0 ? .nan : Float($0 % 5) / 4 }),
        .int8("feature_b", (0..<n).map { Int8($0 % 5) }),
        .double("feature_c", (0..<n).map { $0 == 7 ? .nan : Double($0 % 3) / 4 }),
        .float("target", (0..<n).map { Float($0 % 5) / 4 }),
        .string("id", (0..<n).map { "r\($0)" }),
      ], rowCount: n, to: path)
    let options = DatasetLoadOptions(features: ["feature_c", "feature_a"])
    let whole = try DatasetLoader.load(paths: [path], options: options)
    let out = temporaryPath("streamed.smd")
    let imported = try DatasetLoader.importCache(paths: [path], options: options, to: out, batchBytes: n)
    #expect(imported.warnings == whole.warnings)
    #expect(imported.warnings == ["\(path): 4 NaN feature values in 2 columns treated as the middle bin 2"])
    #expect(imported.missingFeatureValues == [1, 3])
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.wholeCache([path], options: options))
  }

  @Test func aBadValueInALaterBatchLeavesNoCache() throws {
    let path = temporaryPath("bad.parquet")
    try ParquetWriter().write(
      [
        .string("era", ["0001", "0001", "0002"]), .int8("feature_a", [1, 2, 3]), .int8("feature_b", [0, 9, 4]),
        .string("id", ["a", "b", "c"]),
      ], rowCount: 3, to: path)
    let out = temporaryPath("bad.smd")
    #expect(throws: DataError(path: path, column: "feature_b", "holds 9, expected bins 0…4 (or floats 0, .25, …, 1)")) {
      try DatasetLoader.importCache(paths: [path], to: out, batchBytes: 3)
    }
    let directory = (out as NSString).deletingLastPathComponent
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
  }
}
