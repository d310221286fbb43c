import Foundation
import TestSupport
import Testing

/// `signal-miner score` end to end: JSON equal to numerai-tools on the same files, and one-line errors.
@Suite struct ScoreCommandTests {
  static let features = ["feature_a", "feature_b", "feature_c"]

  /// Writes data.csv (4 eras × 60 rows, some NaN targets), preds.csv (two columns), meta.csv and features.json.
  static func writeCase(_ dir: TemporaryDirectory, rowsInLastEra: Int = 60) throws {
    var state: UInt64 = 7
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) * 0x1p-53
    }
    var data = "id,era,\(features.joined(separator: ",")),target\n"
    var preds = "id,prediction,second\n"
    var meta = "id,era,numerai_meta_model\n"
    for e in 1...4 {
      for r in 0..<(e == 4 ? rowsInLastEra : 60) {
        let id = String(format: "n%03d%03d", e, r)
        let bins = features.map { _ in Int(uniform() * 5) }
        let signal = Double(bins[0] - bins[1]) * 0.15
        let target = uniform() < 0.05 ? "" : "\(min(4, max(0, (signal + uniform() * 2 + 1).rounded(.down))) / 4)"
        data += "\(id),\(String(format: "%04d", e)),\(bins.map(String.init).joined(separator: ",")),\(target)\n"
        preds += "\(id),\(((signal + uniform()) * 20).rounded() / 20),\(uniform())\n"
        meta += "\(id),\(String(format: "%04d", e)),\(signal + uniform() * 0.5)\n"
      }
    }
    try data.write(toFile: dir.file("data.csv"), atomically: true, encoding: .utf8)
    try preds.write(toFile: dir.file("preds.csv"), atomically: true, encoding: .utf8)
    try meta.write(toFile: dir.file("meta.csv"), atomically: true, encoding: .utf8)
    let sets =
      "{\"feature_sets\": {\"small\": [\"feature_a\", \"feature_b\", \"feature_c\"]}, \"targets\": [\"target\"]}"
    try sets.write(toFile: dir.file("features.json"), atomically: true, encoding: .utf8)
  }

  static let reference = """
    import sys, json
    import pandas as pd
    from numerai_tools.scoring import numerai_corr, correlation_contribution, feature_neutral_corr
    d = pd.read_csv(sys.argv[1] + "/data.csv", dtype={"era": str}).set_index("id")
    p = pd.read_csv(sys.argv[1] + "/preds.csv").set_index("id")
    m = pd.read_csv(sys.argv[1] + "/meta.csv").set_index("id")["numerai_meta_model"]
    feats = ["feature_a", "feature_b", "feature_c"]
    out = {}
    for era, g in d.groupby("era"):
        g = g.sort_index()
        x = p.loc[g.index, ["prediction"]]
        out[era] = {
            "corr": float(numerai_corr(x, g["target"])["prediction"]),
            "mmc": float(correlation_contribution(x, m.loc[g.index], g["target"])["prediction"]),
            "fnc": float(feature_neutral_corr(x, g[feats].astype(float), g["target"])["prediction"]),
        }
    print(json.dumps(out))
    """

  @Test func jsonEqualsNumeraiTools() throws {
    try PythonPeer.require(modules: ["numerai_tools", "pandas"], packages: ["numerai-tools", "pandas"])
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeCase(dir)
    let result = try CommandLineTool.run(
      [
        "score", "--predictions", dir.file("preds.csv"), "--data", dir.file("data.csv"), "--meta-model",
        dir.file("meta.csv"), "--features-json", dir.file("features.json"), "--feature-set", "small", "--json",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(Set(json.keys) == ["prediction", "second"])
    let scored = try #require(json["prediction"] as? [String: Any])
    let perEra = try #require(scored["per_era"] as? [String: [String: Double]])
    let expected =
      try JSONSerialization.jsonObject(
        with: Data(try PythonPeer.run(script: Self.reference, arguments: [dir.path]).utf8))
      as! [String: [String: Double]]
    #expect(Set(perEra.keys) == Set(expected.keys))
    for (era, values) in expected {
      for metric in ["corr", "mmc", "fnc"] {
        #expect(abs((perEra[era]?[metric] ?? .nan) - values[metric]!) < 1e-9, "\(era) \(metric)")
      }
      #expect(Set(perEra[era].map { Array($0.keys) } ?? []) == ["corr", "pearson", "mmc", "fnc", "max_exposure"])
    }
    let summary = try #require(scored["summary"] as? [String: [String: Double]])
    let corr = expected.keys.sorted().map { expected[$0]!["corr"]! }
    let mean = corr.reduce(0, +) / 4
    #expect(abs(summary["corr"]!["mean"]! - mean) < 1e-9)
    #expect(Set(summary["corr"]!.keys) == ["mean", "std", "sharpe", "max_drawdown"])

    // The same files as Parquet (written by pandas) give the same output.
    try PythonPeer.run(
      script: """
        import sys, pandas as pd
        for name in ("preds", "meta"):
            pd.read_csv(f"{sys.argv[1]}/{name}.csv", dtype={"era": str}).to_parquet(f"{sys.argv[1]}/{name}.parquet", index=False)
        """, arguments: [dir.path])
    let parquet = try CommandLineTool.run(
      ["score", "--predictions", dir.file("preds.parquet"), "--data", dir.file("data.csv"), "--meta-model",
       dir.file("meta.parquet"), "--features-json", dir.file("features.json"), "--feature-set", "small", "--json"])
    #expect(parquet.status == 0, "\(parquet.stderr)")
    #expect(parquet.stdout == result.stdout)

    // Human output: the table and the summary.
    let human = try CommandLineTool.run([
      "score", "--predictions", dir.file("preds.csv"), "--data", dir.file("data.csv"),
    ])
    #expect(human.status == 0, "\(human.stderr)")
    #expect(human.stdout.contains("prediction: 4 eras") && human.stdout.contains("summary, all eras"))
  }

  @Test func badInputsFailWithOneClearLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeCase(dir)
    let data = dir.file("data.csv")
    let preds = try String(contentsOfFile: dir.file("preds.csv"), encoding: .utf8).split(separator: "\n")
    func write(_ name: String, _ lines: [Substring]) throws {
      try lines.joined(separator: "\n").write(toFile: dir.file(name), atomically: true, encoding: .utf8)
    }
    try write(
      "nan.csv",
      [preds[0]]
        + preds[1...].enumerated().map { k, line in
          var fields = line.split(separator: ",", omittingEmptySubsequences: false)
          if k == 7 { fields[1] = "nan" }
          return Substring(fields.joined(separator: ","))
        })
    try write("constant.csv", ["id,prediction"] + preds[1...].map { "\($0.split(separator: ",")[0]),0.5"[...] })
    try write("fewids.csv", [preds[0]] + preds[1...].enumerated().map { $0 < 100 ? $1 : "x\($1)"[...] })
    let cases: [([String], String)] = [
      (["--predictions", dir.file("nan.csv")], "column 'prediction': value nan for id n001007; expected a number"),
      (["--predictions", dir.file("constant.csv")], "column 'prediction': all 240 predictions equal 0.5"),
      (
        ["--predictions", dir.file("fewids.csv")],
        "only 100 of its 240 ids are in the data (240 rows): 41.7%, expected at least 80%"
      ),
      (["--predictions", dir.file("preds.csv"), "--target", "target_x"], "no target column 'target_x'"),
    ]
    for (arguments, expected) in cases {
      let result = try CommandLineTool.run(["score"] + arguments + ["--data", data])
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
    // An era with a single row.
    let single = try TemporaryDirectory()
    defer { single.remove() }
    try Self.writeCase(single, rowsInLastEra: 1)
    let result = try CommandLineTool.run(
      ["score", "--predictions", single.file("preds.csv"), "--data", single.file("data.csv")])
    #expect(result.status == 1)
    #expect(result.stderr.contains("era 0004 has a single row"), "\(result.stderr)")
  }
}
