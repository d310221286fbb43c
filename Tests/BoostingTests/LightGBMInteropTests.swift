import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Boosting

/// Our trees against LightGBM's own, trained by the real package on the same Numerai-shaped data.
@Suite(.serialized) struct LightGBMInteropTests {
  static let parameterSets: [(String, [String: String])] = [
    ("shallow", ["n_estimators": "20", "num_leaves": "4", "max_depth": "2", "max_bin": "5"]),
    ("deep", ["n_estimators": "8", "num_leaves": "64", "min_child_samples": "5"]),
    ("max_bin_2", ["n_estimators": "10", "num_leaves": "8", "max_bin": "2"]),
    ("max_bin_3", ["n_estimators": "10", "num_leaves": "8", "max_bin": "3"]),
    ("max_bin_4", ["n_estimators": "10", "num_leaves": "8", "max_bin": "4"]),
    ("large_lambda", ["n_estimators": "10", "num_leaves": "16", "reg_lambda": "1000", "learning_rate": "0.3"]),
    ("large_min_child", ["n_estimators": "10", "num_leaves": "31", "min_child_samples": "1500"]),
  ]

  /// Trains LightGBM on `trainPath` for every parameter set; writes `<name>.txt` and `<name>.pred` into `dir`.
  static func trainLightGBM(_ sets: [(String, [String: String])], train: String, predict: String, dir: String, extra: String = "") throws {
    try PythonPeer.require(
      modules: ["lightgbm", "sklearn", "pandas", "pyarrow"], packages: ["lightgbm", "scikit-learn", "pandas", "pyarrow"])
    let json = String(decoding: try JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: sets.map { ($0.0, $0.1) })), as: UTF8.self)
    try PythonPeer.run(
      script: """
        import sys, json, numpy as np, pandas as pd, lightgbm as lgb
        sets, train, predict, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        df = pd.read_parquet(train); test = pd.read_parquet(predict)
        feats = [c for c in df.columns if c.startswith("feature")]
        df = df[df.target.notna()]
        for name, params in sets.items():
            p = dict(objective="regression", learning_rate=0.1, min_sum_hessian_in_leaf=1e-3, bin_construct_sample_cnt=10**8,
                     deterministic=True, force_col_wise=True, num_threads=2, verbose=-1, feature_pre_filter=False\(extra))
            p.update({k: (float(v) if "." in v else int(v)) for k, v in params.items()})
            model = lgb.LGBMRegressor(**p).fit(df[feats].astype(np.float64), df.target)
            model.booster_.save_model(f"{out}/{name}.txt")
            np.savetxt(f"{out}/{name}.pred", model.predict(test[feats].astype(np.float64)), fmt="%.17g")
            ours = f"{out}/{name}.ours.txt"
            import os
            if os.path.exists(ours):
                np.savetxt(f"{out}/{name}.ours.pred", lgb.Booster(model_file=ours).predict(test[feats].astype(np.float64)), fmt="%.17g")
        """, arguments: [json, train, predict, dir])
  }

  /// The `key=value` lines of each tree section of a model.txt.
  static func trees(_ text: String) -> [[String: String]] {
    var trees: [[String: String]] = []
    for line in text.split(separator: "\n") {
      if line == "end of trees" { break }
      if line.hasPrefix("Tree=") { trees.append([:]); continue }
      guard !trees.isEmpty, let eq = line.firstIndex(of: "=") else { continue }
      trees[trees.count - 1][String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    return trees
  }

  static func readNumbers(_ path: String) throws -> [Double] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Double($0)! }
  }

  @Test func sameTreesAndPredictionsAsLightGBM() throws {
    let synthetic = try SyntheticNumerai(.init(eras: 40, rowsPerEra: 250, features: 24, targets: 1, seed: 8, validationEras: 8, unlabelledEras: 2))
    try Self.expectSameModels(synthetic, Self.parameterSets)
  }

  /// Wider data packs more bytes per row record (4, 8 and 16 words): the trees must not change.
  @Test(arguments: [60, 100, 200]) func sameTreesAsLightGBMOnWideData(features: Int) throws {
    let synthetic = try SyntheticNumerai(.init(eras: 30, rowsPerEra: 300, features: features, targets: 1, seed: 4, validationEras: 5, unlabelledEras: 0))
    try Self.expectSameModels(synthetic, [("wide", ["n_estimators": "6", "num_leaves": "16", "min_child_samples": "10"])])
  }

  /// Trains ours and LightGBM's models for each parameter set; expects the same trees and predictions.
  static func expectSameModels(_ synthetic: SyntheticNumerai, _ parameterSets: [(String, [String: String])]) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try SyntheticNumerai.writeParquet(synthetic.train, to: dir.file("train.parquet"))
    try SyntheticNumerai.writeParquet(synthetic.validation, to: dir.file("validation.parquet"))
    var ours: [String: [Double]] = [:]
    for (name, pairs) in parameterSets {
      let model = try GBDTTrainer.train(
        synthetic.train, rows: Array(0..<synthetic.train.rowCount), target: 0,
        parameters: try BoostingParameters(lightGBMNames: pairs), threads: 2)
      try model.lightGBMModelText().write(toFile: dir.file("\(name).ours.txt"), atomically: true, encoding: .utf8)
      ours[name] = try model.predict(synthetic.validation)
    }
    try Self.trainLightGBM(parameterSets, train: dir.file("train.parquet"), predict: dir.file("validation.parquet"), dir: dir.path)
    for (name, _) in parameterSets {
      let theirs = Self.trees(try String(contentsOfFile: dir.file("\(name).txt"), encoding: .utf8))
      let mine = Self.trees(try String(contentsOfFile: dir.file("\(name).ours.txt"), encoding: .utf8))
      #expect(theirs.count == mine.count, "\(name): tree count")
      for (k, (a, b)) in zip(theirs, mine).enumerated() {
        for key in ["num_leaves", "split_feature", "threshold", "left_child", "right_child", "leaf_count"] {
          #expect(a[key] == b[key], "\(name) tree \(k) \(key)")
        }
        let va = a["leaf_value"]!.split(separator: " ").map { Double($0)! }
        let vb = b["leaf_value"]!.split(separator: " ").map { Double($0)! }
        #expect(zip(va, vb).allSatisfy { abs($0 - $1) <= 1e-5 * max(abs($0), 1e-3) }, "\(name) tree \(k) leaf values")
      }
      let lightgbm = try Self.readNumbers(dir.file("\(name).pred"))
      let loaded = try Self.readNumbers(dir.file("\(name).ours.pred"))
      let mineValues = ours[name]!
      #expect(zip(lightgbm, mineValues).allSatisfy { abs($0 - $1) <= 1e-5 * abs($0) }, "\(name): predictions")
      // LightGBM loading our model.txt predicts what we predict.
      #expect(zip(loaded, mineValues).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) }, "\(name): our model.txt in LightGBM")
    }
  }

  @Test func columnSamplingReachesLightGBMsValidationCorr() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let synthetic = try SyntheticNumerai(.init(eras: 120, rowsPerEra: 400, features: 60, targets: 1, seed: 21, validationEras: 30, unlabelledEras: 0))
    try SyntheticNumerai.writeParquet(synthetic.train, to: dir.file("train.parquet"))
    try SyntheticNumerai.writeParquet(synthetic.validation, to: dir.file("validation.parquet"))
    let base = ["n_estimators": "300", "learning_rate": "0.02", "num_leaves": "15", "max_depth": "5", "colsample_bytree": "0.1", "max_bin": "5"]
    let seeds = ["0", "1", "2", "3"]
    try Self.trainLightGBM(seeds.map { ("seed\($0)", base.merging(["seed": $0]) { $1 }) }, train: dir.file("train.parquet"), predict: dir.file("validation.parquet"), dir: dir.path)
    let v = synthetic.validation
    let target = v.targets.columnArray(0).map(Double.init)
    func meanEraCorr(_ p: [Double]) -> Double {
      let corrs = v.eraRanges.map { r -> Double in
        let x = Array(p[r])
        let y = Array(target[r])
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
        return sxy / (sxx * syy).squareRoot()
      }
      return corrs.reduce(0, +) / Double(corrs.count)
    }
    var theirs = 0.0
    var mine = 0.0
    for seed in seeds {
      theirs += meanEraCorr(try Self.readNumbers(dir.file("seed\(seed).pred"))) / Double(seeds.count)
      let model = try GBDTTrainer.train(
        synthetic.train, rows: Array(0..<synthetic.train.rowCount), target: 0,
        parameters: try BoostingParameters(lightGBMNames: base.merging(["seed": seed]) { $1 }))
      mine += meanEraCorr(try model.predict(v)) / Double(seeds.count)
    }
    #expect(theirs > 0.02, "the data has signal")
    #expect(abs(mine - theirs) < 0.003, "ours \(mine), LightGBM \(theirs)")
  }

  @Test func sameSeedSameModelWhateverTheThreadCount() throws {
    // Large enough that histograms and partitions of the upper leaves run on both threads.
    let synthetic = try SyntheticNumerai(.init(eras: 40, rowsPerEra: 2000, features: 60, targets: 1, seed: 3, validationEras: 2, unlabelledEras: 0))
    var p = try BoostingParameters(lightGBMNames: ["n_estimators": "15", "num_leaves": "12", "colsample_bytree": "0.5", "seed": "5"])
    let rows = Array(0..<synthetic.train.rowCount)
    let one = try GBDTTrainer.train(synthetic.train, rows: rows, target: 0, parameters: p, threads: 1)
    let two = try GBDTTrainer.train(synthetic.train, rows: rows, target: 0, parameters: p, threads: 2)
    #expect(one.trees == two.trees)
    p.seed = 6
    let other = try GBDTTrainer.train(synthetic.train, rows: rows, target: 0, parameters: p, threads: 2)
    #expect(other.trees != two.trees)
    // Save and load round trip.
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try two.save(to: dir.file("m.bin"))
    let loaded = try BoostedModel.load(from: dir.file("m.bin"))
    #expect(loaded.trees == two.trees && loaded.featureNames == two.featureNames)
    #expect(try loaded.predict(synthetic.validation) == two.predict(synthetic.validation))
  }
}
