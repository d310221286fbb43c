import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Scoring

/// Our metrics against numerai-tools and our splits against scikit-learn, computed by the real packages.
@Suite struct NumeraiToolsInteropTests {
  static let eras = 30
  static let rowsPerEra = 3000
  static let featureCount = 8

  /// Generates the case in Python, scores it with numerai-tools, and returns our Dataset + their scores.
  static func generatedCase() throws -> (Dataset, predictions: [Double], meta: [Double], expected: [String: [String: Double]]) {
    try PythonPeer.require(
      modules: ["numerai_tools", "pandas", "numpy"], packages: ["numerai-tools", "pandas", "numpy"])
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let script = """
      import sys, json, numpy as np, pandas as pd
      from numerai_tools.scoring import numerai_corr, correlation_contribution, feature_neutral_corr
      rng = np.random.default_rng(11)
      E, N, F = \(eras), \(rowsPerEra), \(featureCount)
      rows = []
      out = {}
      frames = []
      for e in range(E):
          era = f"{e + 1:04d}"
          feats = rng.integers(0, 5, (N, F))
          signal = feats[:, 0] * 0.1 - feats[:, 3] * 0.05 + rng.normal(size=N)
          target = np.digitize(signal + rng.normal(size=N), np.quantile(signal, [0.05, 0.25, 0.75, 0.95])) / 4
          target[rng.random(N) < 0.05] = np.nan
          pred = np.round(feats[:, 0] * 0.02 + rng.normal(scale=0.05, size=N) + 0.5, 3)  # rounded: ties
          meta = signal + rng.normal(scale=2, size=N)
          ids = [f"{era}-{i:05d}" for i in range(N)]
          df = pd.DataFrame(feats, columns=[f"feature_{j}" for j in range(F)], index=ids)
          df["target"], df["prediction"], df["meta"], df["era"] = target, pred, meta, era
          frames.append(df)
          p = df[["prediction"]]
          out[era] = {
              "corr": float(numerai_corr(p, df["target"])["prediction"]),
              "mmc": float(correlation_contribution(p, df["meta"], df["target"])["prediction"]),
              "fnc": float(feature_neutral_corr(p, df[[f"feature_{j}" for j in range(F)]].astype(float), df["target"])["prediction"]),
          }
      all_rows = pd.concat(frames)
      with open(sys.argv[1] + "/data.csv", "w") as f:
          f.write("id,era,target,prediction,meta," + ",".join(f"feature_{j}" for j in range(F)) + "\\n")
          for i, r in all_rows.iterrows():
              f.write(",".join([i, r.era, repr(float(r.target)), repr(float(r.prediction)), repr(float(r.meta))] + [str(int(r[f"feature_{j}"])) for j in range(F)]) + "\\n")
      json.dump(out, open(sys.argv[1] + "/expected.json", "w"))
      """
    try PythonPeer.run(script: script, arguments: [dir.path])
    let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("expected.json")))) as! [String: [String: Double]]
    let lines = try String(contentsOfFile: dir.file("data.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    var ids: [String] = []
    var eraLabels: [String] = []
    var target: [Float] = []
    var predictions: [Double] = []
    var meta: [Double] = []
    var features = [[Int8]](repeating: [], count: featureCount)
    for line in lines {
      let f = line.split(separator: ",").map(String.init)
      ids.append(f[0])
      eraLabels.append(f[1])
      target.append(f[2] == "nan" ? .nan : Float(Double(f[2])!))
      predictions.append(Double(f[3])!)
      meta.append(Double(f[4])!)
      for j in 0..<featureCount { features[j].append(Int8(f[5 + j])!) }
    }
    let eraNames = Array(Set(eraLabels)).sorted()
    let ranges = eraNames.enumerated().map { e, _ in (e * rowsPerEra)..<((e + 1) * rowsPerEra) }
    let dataset = Dataset(
      ids: StringColumn(ids), eras: eraNames, eraRanges: ranges,
      featureNames: (0..<featureCount).map { "feature_\($0)" },
      features: ColumnMajorMatrix(columns: features, rowCount: ids.count), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [target], rowCount: ids.count))
    return (dataset, predictions, meta, expected)
  }

  @Test func perEraCorrMMCAndFNCEqualNumeraiTools() throws {
    let (dataset, predictions, meta, expected) = try Self.generatedCase()
    let scores = try EraEvaluation.evaluate(
      predictions: predictions, dataset: dataset, rows: Array(0..<dataset.rowCount), target: 0, metaModel: meta,
      featureColumns: Array(0..<Self.featureCount), threads: 2)
    #expect(scores.eras.count == Self.eras)
    var worst = 0.0
    for (k, era) in scores.eras.enumerated() {
      let want = try #require(expected[era])
      worst = max(worst, abs(scores.corr[k] - want["corr"]!), abs(scores.mmc![k] - want["mmc"]!), abs(scores.fnc![k] - want["fnc"]!))
    }
    #expect(worst < 1e-9, "largest difference \(worst)")
  }

  @Test func timeSeriesSplitEqualsScikitLearnOverAGrid() throws {
    try PythonPeer.require(modules: ["sklearn"], packages: ["scikit-learn"])
    let output = try PythonPeer.run(
      script: """
        import json
        from sklearn.model_selection import TimeSeriesSplit
        cases = []
        for n in [3, 10, 25, 60]:
            for k in [1, 2, 3, 5]:
                for gap in [0, 2, 12]:
                    for mts in [None, 5, 20]:
                        for ts in [None, 1, 4, 10]:
                            try:
                                splits = [[tr.tolist(), te.tolist()] for tr, te in TimeSeriesSplit(n_splits=k, gap=gap, max_train_size=mts, test_size=ts).split(list(range(n)))]
                                cases.append([n, k, gap, mts, ts, splits, None])
                            except ValueError as e:
                                cases.append([n, k, gap, mts, ts, None, str(e)])
        print(json.dumps(cases))
        """)
    let cases = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [[Any]]
    #expect(cases.count == 576)
    var errors = 0
    for c in cases {
      let split = TimeSeriesSplit(
        nSplits: c[1] as! Int, gap: c[2] as! Int, maxTrainSize: c[3] as? Int, testSize: c[4] as? Int)
      if let message = c[6] as? String {
        errors += 1
        #expect(throws: ScoringError(message)) { try split.indices(count: c[0] as! Int) }
      } else {
        let want = (c[5] as! [[[Int]]]).map { ($0[0], $0[1]) }
        let got = try split.indices(count: c[0] as! Int)
        #expect(got.count == want.count && zip(got, want).allSatisfy { $0.train == $1.0 && $0.test == $1.1 }, "\(c.prefix(5))")
      }
    }
    #expect(errors > 0 && errors < 576)
  }

  @Test func splitsOverErasUseTheSortedUniqueEras() throws {
    let eras = (1...60).flatMap { e in Array(repeating: String(format: "%04d", e), count: 3) }.shuffled()
    let splits = try TimeSeriesSplit(nSplits: 2, gap: 12).splits(eras: eras)
    // 60 eras, 3 blocks of 20: test blocks 0021…0040 and 0041…0060; training stops 12 eras before each.
    #expect(splits.map(\.testEras) == [(21...40), (41...60)].map { $0.map { String(format: "%04d", $0) } })
    #expect(splits.map(\.trainEras) == [(1...8), (1...28)].map { $0.map { String(format: "%04d", $0) } })
    let kfold = try EmbargoedKFold(folds: 3, embargo: 2).splits(eras: eras)
    // Blocks of 15: tests 0016…, 0031…, 0046…; training ends 2 eras before each.
    #expect(kfold.map(\.testEras.first) == ["0016", "0031", "0046"])
    #expect(kfold.map(\.testEras.count) == [15, 15, 15])
    #expect(kfold.map(\.trainEras.last) == ["0013", "0028", "0043"])
    #expect(throws: ScoringError.self) { try EmbargoedKFold(folds: 3, embargo: 15).splits(eras: eras) }
  }
}
