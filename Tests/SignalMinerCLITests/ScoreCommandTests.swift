import Foundation
import TestSupport
import Testing

/// `signal-miner score` end to end against numerai-tools, and its refusals.
@Suite struct ScoreCommandTests {
  /// Synthetic data plus predictions and a meta model written by pandas.
  static func prepare(_ dir: TemporaryDirectory) throws {
    let synth = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("s"), "--eras", "24", "--rows-per-era", "200", "--features", "12",
       "--validation-eras", "10", "--seed", "3"])
    #expect(synth.status == 0, "\(synth.stderr)")
    try PythonPeer.require(modules: ["numerai_tools", "pandas", "pyarrow"], packages: ["numerai-tools", "pandas", "pyarrow"])
    try PythonPeer.run(
      script: """
        import sys, numpy as np, pandas as pd
        d = sys.argv[1]
        df = pd.read_parquet(d + "/s_validation.parquet")
        rng = np.random.default_rng(0)
        preds = pd.DataFrame({"prediction": np.round(df.feature_0000 * 0.1 + rng.normal(size=len(df)) * 0.2, 2)}, index=df.index)
        preds.to_csv(d + "/preds.csv")
        pd.DataFrame({"numerai_meta_model": df.feature_0001 + rng.normal(size=len(df))}, index=df.index).to_parquet(d + "/meta.parquet")
        preds.iloc[::2].to_csv(d + "/half.csv")
        bad = preds.copy(); bad.iloc[3, 0] = np.nan; bad.to_csv(d + "/nan.csv")
        const = preds.copy(); const["prediction"] = 0.5; const.to_csv(d + "/const.csv")
        """, arguments: [dir.path])
  }

  @Test func jsonMatchesNumeraiToolsPerEraAndSummary() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.prepare(dir)
    let result = try CommandLineTool.run(
      ["score", "--predictions", dir.file("preds.csv"), "--data", dir.file("s_validation.parquet"), "--meta-model",
       dir.file("meta.parquet"), "--features-json", dir.file("s_features.json"), "--feature-set", "small", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let ours = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    let reference = try PythonPeer.run(
      script: """
        import sys, json, numpy as np, pandas as pd
        from numerai_tools.scoring import numerai_corr, correlation_contribution, feature_neutral_corr
        d = sys.argv[1]
        df = pd.read_parquet(d + "/s_validation.parquet")
        df["prediction"] = pd.read_csv(d + "/preds.csv", index_col="id", float_precision="round_trip")["prediction"]
        df["meta"] = pd.read_parquet(d + "/meta.parquet")["numerai_meta_model"]
        # Targets are float32 in the file; numerai-tools would centre them in float32 (a ~1e-9 rounding of its
        # own). Our scorer centres in double, so the reference does too.
        df["target"] = df["target"].astype("float64")
        small = json.load(open(d + "/s_features.json"))["feature_sets"]["small"]
        out = {}
        for era, g in df.groupby("era"):
            g = g.sort_index()
            if g.target.notna().sum() == 0: continue
            p = g[["prediction"]]
            out[era] = {"corr": float(numerai_corr(p, g.target)["prediction"]),
                        "pearson": float(g.prediction[g.target.notna()].corr(g.target[g.target.notna()])),
                        "mmc": float(correlation_contribution(p, g.meta, g.target)["prediction"]),
                        "fnc": float(feature_neutral_corr(p, g[small].astype(float), g.target)["prediction"])}
        print(json.dumps(out))
        """, arguments: [dir.path])
    let want = try JSONSerialization.jsonObject(with: Data(reference.utf8)) as! [String: [String: Double]]
    let perEra = ours["per_era"] as! [String: [String: Double]]
    #expect(Set(perEra.keys) == Set(want.keys))
    #expect(want.count == 6)
    for (era, metrics) in want {
      for (name, value) in metrics { #expect(abs(perEra[era]![name]! - value) < 1e-9, "\(era) \(name)") }
      #expect(perEra[era]!["max_exposure"] != nil)
    }
    let summary = ours["summary"] as! [String: [String: Double]]
    let corr = want.keys.sorted().map { want[$0]!["corr"]! }
    let mean = corr.reduce(0, +) / Double(corr.count)
    #expect(abs(summary["corr"]!["mean"]! - mean) < 1e-9)
    #expect(Set(summary["corr"]!.keys) == ["mean", "std", "sharpe", "max_drawdown"])
  }

  @Test func refusesWhatNumeraiToolsRefuses() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.prepare(dir)
    let validation = dir.file("s_validation.parquet")
    let cases: [([String], String)] = [
      (["--predictions", dir.file("half.csv"), "--data", validation], "match 1000 of 1000 predictions and of 2000 data rows"),
      (["--predictions", dir.file("preds.csv"), "--data", dir.file("s_train.parquet")], "match 0 of 2000 predictions"),
      (["--predictions", dir.file("nan.csv"), "--data", validation], "is NaN, expected a number"),
      (["--predictions", dir.file("const.csv"), "--data", validation], "every prediction is the same value"),
      (["--predictions", dir.file("preds.csv"), "--data", validation, "--target", "target_nope"], "the data has no target 'target_nope'"),
    ]
    for (arguments, expected) in cases {
      let result = try CommandLineTool.run(["score"] + arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(expected), "\(result.stderr)")
    }
  }
}
