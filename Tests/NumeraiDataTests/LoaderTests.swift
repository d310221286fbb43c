import Foundation
import NumeraiData
import Parquet
import TestSupport
import Testing

/// Temporary files for one test.
func temporaryPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("numeraidata-\(UUID().uuidString)")
  try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

/// Whether two datasets hold the same rows, names and values (NaN equal to NaN).
func sameContents(_ a: Dataset, _ b: Dataset) -> Bool {
  guard a.ids == b.ids, a.eras == b.eras, a.eraRanges == b.eraRanges, a.featureNames == b.featureNames,
    a.targetNames == b.targetNames, a.dataTypes == b.dataTypes
  else { return false }
  for j in 0..<a.featureCount where !a.features.columnArray(j).elementsEqual(b.features.columnArray(j)) { return false }
  for t in a.targetNames.indices {
    let same = zip(a.targets.columnArray(t), b.targets.columnArray(t)).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 }
    if !same { return false }
  }
  return true
}

@Suite struct SyntheticAndRoundTripTests {
  static let configuration = SyntheticNumerai.Configuration(
    eras: 24, rowsPerEra: 60, features: 16, targets: 3, seed: 5, validationEras: 6, unlabelledEras: 2)

  @Test func generatorHasNumeraisShape() throws {
    let s = try SyntheticNumerai(Self.configuration)
    #expect(s.train.rowCount == 18 * 60)
    #expect(s.validation.rowCount == 6 * 60)
    #expect(s.train.eras.first == "0001" && s.validation.eras.last == "0024")
    #expect(s.train.targetNames == ["target", "target_agnes_20", "target_claudia_20"])
    // Quintile features: each era holds 12 rows of each bin 0…4.
    for j in 0..<16 {
      var counts = [Int](repeating: 0, count: 5)
      for v in s.train.features.columnArray(j)[0..<60] { counts[Int(v)] += 1 }
      #expect(counts == [12, 12, 12, 12, 12])
    }
    // Targets binned 5/20/50/20/5 % in labelled eras; the last 2 validation eras unlabelled.
    var counts = [Float: Int]()
    for v in s.train.targets.columnArray(0)[0..<60] { counts[v, default: 0] += 1 }
    #expect(counts == [0: 3, 0.25: 12, 0.5: 30, 0.75: 12, 1: 3])
    let lastTwo = s.validation.targets.columnArray(0)[240...]
    #expect(lastTwo.allSatisfy { $0.isNaN })
    #expect(!s.validation.targets.columnArray(0)[0..<240].contains { $0.isNaN })
    #expect(s.featureSets.sets["small"]?.count == 4 && s.featureSets.sets["medium"]?.count == 8)
    // Deterministic.
    let again = try SyntheticNumerai(Self.configuration)
    #expect(sameContents(again.train, s.train))
  }

  @Test func theSignalIsLearnableButWeak() throws {
    // The per-era corr between the target and the feature mean of group 0 is small but consistently positive or negative.
    let s = try SyntheticNumerai(.init(eras: 40, rowsPerEra: 400, features: 16, targets: 1, seed: 1))
    let d = s.train
    var meanAbs = 0.0
    for range in d.eraRanges {
      var best = 0.0
      for j in 0..<d.featureCount {
        let x = d.features.columnArray(j)[range].map(Double.init)
        let y = d.targets.columnArray(0)[range].map(Double.init)
        let mx = x.reduce(0, +) / Double(x.count)
        let my = y.reduce(0, +) / Double(y.count)
        let cov = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let vx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let vy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        best = max(best, abs(cov / (vx * vy).squareRoot()))
      }
      meanAbs += best / Double(d.eraRanges.count)
    }
    #expect(meanAbs > 0.05 && meanAbs < 0.4)
  }

  @Test func synthWriterReaderRoundTripIsIdentical() throws {
    let s = try SyntheticNumerai(Self.configuration)
    let prefix = temporaryPath("synthetic")
    let paths = try s.write(prefix: prefix)
    let train = try DatasetLoader.load(paths: [paths[0]]).dataset
    #expect(sameContents(train, s.train))
    let both = try DatasetLoader.load(paths: [paths[0], paths[1]]).dataset
    #expect(both.rowCount == s.train.rowCount + s.validation.rowCount)
    #expect(both.eras.count == 24)
    #expect(Array(both.ids.prefix(3)) == Array(s.train.ids.prefix(3)))
    #expect(try FeatureSets(contentsOf: paths[2]) == s.featureSets)
  }

  @Test func pyarrowReadsTheSyntheticFilesIdentically() throws {
    try PythonPeer.require(modules: ["pyarrow", "pandas"], packages: ["pyarrow", "pandas"])
    let s = try SyntheticNumerai(Self.configuration)
    let paths = try s.write(prefix: temporaryPath("synthetic"))
    let out = try PythonPeer.run(
      script: """
        import sys, json, pandas as pd
        df = pd.read_parquet(sys.argv[1])
        f = [c for c in df.columns if c.startswith("feature")]
        print(json.dumps({"index": df.index.name, "ids": df.index[:5].tolist(), "eras": df.era.iloc[[0, -1]].tolist(),
          "feature_sum": int(df[f].to_numpy().astype("int64").sum()), "first_row": df[f].iloc[0].tolist(),
          "target_nan": int(df.target.isna().sum()), "target_sum": float(df.target.sum()), "dtype": str(df[f[0]].dtype)}))
        """, arguments: [paths[1]])
    let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
    let v = s.validation
    #expect(json["index"] as? String == "id")
    #expect(json["ids"] as? [String] == Array(v.ids.prefix(5)))
    #expect(json["eras"] as? [String] == ["0019", "0024"])
    #expect(json["dtype"] as? String == "int8")
    var sum = 0
    for j in 0..<v.featureCount { for x in v.features.columnArray(j) { sum += Int(x) } }
    #expect((json["feature_sum"] as! NSNumber).intValue == sum)
    #expect((json["first_row"] as! [NSNumber]).map(\.intValue) == (0..<v.featureCount).map { Int(v.features[0, $0]) })
    #expect((json["target_nan"] as! NSNumber).intValue == 120)
    let targetSum = v.targets.columnArray(0).filter { !$0.isNaN }.reduce(0.0) { $0 + Double($1) }
    #expect(abs((json["target_sum"] as! NSNumber).doubleValue - targetSum) < 1e-9)
  }

  @Test func cacheRoundTripIsIdenticalAndMemoryMapped() throws {
    let s = try SyntheticNumerai(Self.configuration)
    let path = temporaryPath("data.smd")
    try DatasetCache.write(s.validation, to: path)
    #expect(DatasetCache.isCache(path: path))
    let opened = try DatasetCache.open(path: path)
    #expect(sameContents(opened, s.validation))
    // Through the loader, alone and merged with a Parquet file.
    #expect(sameContents(try DatasetLoader.load(paths: [path]).dataset, s.validation))
    let trainPath = temporaryPath("train.parquet")
    try SyntheticNumerai.writeParquet(s.train, to: trainPath)
    let merged = try DatasetLoader.load(paths: [path, trainPath]).dataset
    #expect(merged.eras == s.train.eras + s.validation.eras)
    // A truncated cache is a clear error.
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    #expect(throws: DataError.self) { try DatasetCache.open(path: path) }
  }
}

@Suite struct LoaderSemanticsTests {
  @Test func filesInAnyOrderAreMergedByEra() throws {
    let s = try SyntheticNumerai(.init(eras: 10, rowsPerEra: 20, features: 4, targets: 1, seed: 2, validationEras: 4, unlabelledEras: 1))
    let train = temporaryPath("train.parquet")
    let validation = temporaryPath("validation.parquet")
    try SyntheticNumerai.writeParquet(s.train, to: train)
    try SyntheticNumerai.writeParquet(s.validation, to: validation)
    let reversed = try DatasetLoader.load(paths: [validation, train]).dataset
    let ordered = try DatasetLoader.load(paths: [train, validation]).dataset
    #expect(sameContents(reversed, ordered))
    #expect(reversed.eras == (1...10).map { String(format: "%04d", $0) })
  }

  @Test func csvWithFloatFeaturesIntegerErasAndNaN() throws {
    let path = temporaryPath("small.csv")
    try """
      id,era,data_type,feature_a,feature_b,target
      r1,2,train,0.25,4,0.5
      r2,1,train,1.0,,0.75
      r3,1,train,nan,0,
      r4,10,validation,0.5,2,1
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let loaded = try DatasetLoader.load(paths: [path])
    let d = loaded.dataset
    #expect(d.eras == ["0001", "0002", "0010"])
    #expect(Array(d.ids) == ["r2", "r3", "r1", "r4"])
    #expect(d.features.columnArray(0) == [4, 2, 1, 2])
    #expect(d.features.columnArray(1) == [2, 0, 4, 2])
    #expect(d.targets[1, 0].isNaN && d.targets[0, 0] == 0.75)
    #expect(Array(d.dataTypes!) == ["train", "train", "train", "validation"])
    #expect(loaded.missingFeatureValues == [1, 1])
    #expect(loaded.warnings == ["\(path): 2 NaN feature values in 2 columns treated as the middle bin 2"])
  }

  @Test func pyarrowFloatFeaturesWithNaNAndIntegerEras() throws {
    try PythonPeer.require(modules: ["pyarrow", "pandas", "numpy"], packages: ["pyarrow", "pandas", "numpy"])
    let path = temporaryPath("floats.parquet")
    try PythonPeer.run(
      script: """
        import sys, numpy as np, pandas as pd
        rng = np.random.default_rng(3)
        n = 500
        f = rng.integers(0, 5, (n, 3)) / 4
        f[rng.random((n, 3)) < 0.1] = np.nan
        df = pd.DataFrame({"era": np.sort(rng.integers(1, 30, n)), "feature_x": f[:, 0], "feature_y": f[:, 1].astype("float32"),
          "feature_z": f[:, 2], "target": rng.integers(0, 5, n) / 4}, index=pd.Index([f"id{i}" for i in range(n)], name="id"))
        df.to_parquet(sys.argv[1])
        bins = np.where(np.isnan(f), 2, np.round(f * 4)).astype(int)
        with open(sys.argv[1] + ".expected", "w") as out:
            out.write(" ".join(map(str, bins.T.ravel())) + "\\n")
            out.write(" ".join(map(str, np.isnan(f).sum(axis=0))) + "\\n")
            out.write(" ".join(f"{e:04d}" for e in df.era) + "\\n")
        """, arguments: [path])
    let expected = try String(contentsOfFile: path + ".expected", encoding: .utf8).split(separator: "\n")
    let loaded = try DatasetLoader.load(paths: [path])
    let d = loaded.dataset
    let bins = expected[0].split(separator: " ").map { Int8($0)! }
    #expect((0..<3).flatMap { d.features.columnArray($0) } == bins)
    #expect(loaded.missingFeatureValues == expected[1].split(separator: " ").map { Int($0)! })
    let eras = expected[2].split(separator: " ").map(String.init)
    #expect(d.eraRanges.enumerated().flatMap { e, r in Array(repeating: d.eras[e], count: r.count) } == eras)
    // The data info summary agrees: nulls per column and means on the 0…4 scale.
    let summary = DatasetSummary(loaded)
    #expect(summary.columns["feature_x"]?.nulls == loaded.missingFeatureValues[0])
    let mean = Double(d.features.columnArray(1).reduce(0) { $0 + Int($1) }) / Double(d.rowCount)
    #expect(summary.columns["feature_y"]?.mean == mean)
  }

  @Test func featureSetsSelectColumnsAndUnknownSetsAreErrors() throws {
    let s = try SyntheticNumerai(.init(eras: 6, rowsPerEra: 10, features: 8, targets: 2, seed: 4, validationEras: 2, unlabelledEras: 1))
    let paths = try s.write(prefix: temporaryPath("fs"))
    let sets = try FeatureSets(contentsOf: paths[2])
    let small = try sets.features(inSet: "small")
    let d = try DatasetLoader.load(paths: [paths[0]], options: .init(features: small, targets: ["target_agnes_20"])).dataset
    #expect(d.featureNames == small)
    #expect(d.targetNames == ["target_agnes_20"])
    #expect(d.features.columnArray(1) == s.train.features.columnArray(1))
    #expect(throws: DataError("unknown feature set 'large', expected one of: all, medium, small")) {
      try sets.features(inSet: "large")
    }
  }

  @Test func badInputsGetOneClearError() throws {
    let s = try SyntheticNumerai(.init(eras: 4, rowsPerEra: 10, features: 3, targets: 1, seed: 4, validationEras: 1, unlabelledEras: 0))
    let noEra = temporaryPath("noera.parquet")
    try ParquetWriter().write([.int8("feature_a", [1, 2]), .string("id", ["a", "b"])], rowCount: 2, to: noEra)
    #expect(throws: DataError(path: noEra, "no 'era' column, expected Numerai's era column")) {
      try DatasetLoader.load(paths: [noEra])
    }
    let train = temporaryPath("train.parquet")
    try SyntheticNumerai.writeParquet(s.train, to: train)
    #expect(throws: DataError(path: train, "no column 'feature_9999', expected every requested feature column")) {
      try DatasetLoader.load(paths: [train], options: .init(features: ["feature_0000", "feature_9999"]))
    }
    let empty = temporaryPath("empty.parquet")
    _ = FileManager.default.createFile(atPath: empty, contents: Data())
    #expect(throws: DataError(path: empty, "the file is empty, expected Parquet, CSV or a .smd cache")) {
      try DatasetLoader.load(paths: [empty])
    }
    let outOfRange = temporaryPath("range.parquet")
    try ParquetWriter().write(
      [.string("era", ["0001", "0001"]), .int8("feature_a", [1, 7]), .string("id", ["a", "b"])], rowCount: 2,
      to: outOfRange)
    #expect(throws: DataError(path: outOfRange, column: "feature_a", "holds 7, expected bins 0…4 (or floats 0, .25, …, 1)")) {
      try DatasetLoader.load(paths: [outOfRange])
    }
  }
}
