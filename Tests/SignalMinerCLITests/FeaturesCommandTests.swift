import Foundation
import TestSupport
import Testing

/// `signal-miner features fit|apply|info` as a user runs them.
@Suite struct FeaturesCommandTests {
  static func synth(_ dir: TemporaryDirectory, features: Int = 12, prefix: String = "s") throws {
    let run = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file(prefix), "--eras", "16", "--rows-per-era", "50", "--features", "\(features)",
       "--validation-eras", "4"])
    #expect(run.status == 0, "\(run.stderr)")
  }

  @Test func fitApplyInfo() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.synth(dir)
    let fit = try CommandLineTool.run(
      ["features", "fit", "--method", "pca", "--components", "3", "--data", dir.file("s_train.parquet"), "--out", dir.file("p.smt")])
    #expect(fit.status == 0, "\(fit.stderr)")
    #expect(fit.stdout.hasPrefix("fitted pca:3 on 600 rows × 12 features"))
    let info = try CommandLineTool.run(["features", "info", dir.file("p.smt")])
    #expect(info.stdout.contains("outputs    feature_pca_001, feature_pca_002, feature_pca_003"), "\(info.stdout)")
    // Applied to other rows (validation), never refitted: the cache gains three int8 columns, 0…4.
    let apply = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("p.smt"), "--data", dir.file("s_validation.parquet"), "--out", dir.file("v.smd")])
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect(apply.stdout == "wrote \(dir.file("v.smd")): 200 rows, 12 + 3 features (pca:3)\n")
    let described = try CommandLineTool.run(["data", "info", dir.file("v.smd"), "--json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])
    let columns = try #require(json["columns"] as? [String: [String: Any]])
    #expect(columns.count == 15)
    #expect(columns["feature_pca_002"]?["min"] as? Int == 0 && columns["feature_pca_002"]?["max"] as? Int == 4)
    #expect(abs((columns["feature_pca_002"]?["mean"] as? Double ?? 0) - 2) < 1e-9)
    // The stage file does not change by applying it.
    let again = try CommandLineTool.run(["features", "info", dir.file("p.smt")])
    #expect(again.stdout == info.stdout)
  }

  /// `--method umap`: fitted on a 300-row sample of 600, info names the settings, validation rows placed.
  @Test func umapFitInfoApply() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.synth(dir)
    let fit = try CommandLineTool.run(
      ["features", "fit", "--method", "umap", "--components", "3", "--neighbors", "10", "--umap-epochs", "60",
       "--fit-rows", "300", "--seed", "4", "--data", dir.file("s_train.parquet"), "--out", dir.file("u.smt")])
    #expect(fit.status == 0, "\(fit.stderr)")
    #expect(fit.stdout.hasPrefix("fitted umap:3 on 600 rows × 12 features"))
    let info = try CommandLineTool.run(["features", "info", dir.file("u.smt")])
    #expect(info.stdout.contains("outputs    feature_umap_001, feature_umap_002, feature_umap_003"), "\(info.stdout)")
    #expect(info.stdout.contains("umap       10 neighbours, min-dist 0.0, spread 1.0, seed 4, spectral init"), "\(info.stdout)")
    #expect(info.stdout.contains("fitted     300 rows (at most 300), 60 epochs"), "\(info.stdout)")
    let apply = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("u.smt"), "--data", dir.file("s_validation.parquet"), "--out", dir.file("v.smd")])
    #expect(apply.stdout == "wrote \(dir.file("v.smd")): 200 rows, 12 + 3 features (umap:3)\n", "\(apply.stderr)")
  }

  /// The network stages from the command line: a line per epoch, `info` shows the run, `apply` appends them.
  @Test func networkStagesFitInfoApply() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.synth(dir)
    let ae = try CommandLineTool.run(
      ["features", "fit", "--method", "autoencoder", "--components", "3", "--epochs", "2", "--holdout-eras", "3",
       "--hidden-width", "16", "--extreme-width", "8", "--data", dir.file("s_train.parquet"), "--out", dir.file("ae.smt")])
    #expect(ae.status == 0, "\(ae.stderr)")
    let lines = ae.stdout.split(separator: "\n")
    #expect(lines.count == 3 && lines[0].hasPrefix("epoch 1/2  train MSE ") && lines[1].contains("held-out MSE "), "\(ae.stdout)")
    #expect(lines[2].hasPrefix("fitted ae:3 on 600 rows × 12 features"))
    let info = try CommandLineTool.run(["features", "info", dir.file("ae.smt")])
    #expect(info.stdout.contains("network    extreme 8, hidden 16, latent 3, dropout 0.3, seed 0"), "\(info.stdout)")
    #expect(info.stdout.contains(String(lines[1])))
    let cl = try CommandLineTool.run(
      ["features", "fit", "--method", "contrastive", "--components", "4", "--epochs", "1", "--hidden-width", "16",
       "--data", dir.file("s_train.parquet"), "--out", dir.file("cl.smt")])
    #expect(cl.status == 0 && cl.stdout.hasPrefix("epoch 1/1  VICReg loss "), "\(cl.stdout) \(cl.stderr)")
    let apply = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("ae.smt"), "--transform", dir.file("cl.smt"), "--data",
       dir.file("s_validation.parquet"), "--out", dir.file("v.parquet")])
    #expect(apply.stdout == "wrote \(dir.file("v.parquet")): 200 rows, 12 + 8 features (ae:3, cl:4)\n", "\(apply.stdout) \(apply.stderr)")
  }

  /// `--keep-float`: beside each binned output, its value before binning (float64 `float_…`), read back with
  /// pyarrow: binning those values per era (ties by row order) gives the int8 column; loading ignores them.
  @Test func keepFloatWritesEachOutputBeforeBinning() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.synth(dir)
    for (method, count) in [("pca", 3), ("umap", 2)] {
      let fit = try CommandLineTool.run(
        ["features", "fit", "--method", method, "--components", "\(count)", "--umap-epochs", "30", "--data",
         dir.file("s_train.parquet"), "--out", dir.file("\(method).smt")])
      #expect(fit.status == 0, "\(fit.stderr)")
    }
    let apply = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("pca.smt"), "--transform", dir.file("umap.smt"), "--keep-float",
       "--data", dir.file("s_validation.parquet"), "--out", dir.file("v.parquet")])
    #expect(apply.stdout == "wrote \(dir.file("v.parquet")): 200 rows, 12 + 5 features (pca:3, umap:2)\n", "\(apply.stderr)")
    try PythonPeer.require(modules: ["pyarrow", "numpy"], packages: ["pyarrow", "numpy"])
    let checked = try PythonPeer.run(
      script: #"""
        import sys, numpy as np, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1])
        floats = [c for c in t.column_names if c.startswith("float_")]
        era = np.array(t.column("era").to_pylist())
        for c in floats:
            assert str(t.schema.field(c).type) == "double", c
            values = t.column(c).to_numpy()
            binned = np.empty(len(era), dtype=np.int8)
            for e in np.unique(era):
                rows = np.flatnonzero(era == e)
                order = rows[np.argsort(values[rows], kind="stable")]
                binned[order] = np.arange(len(rows)) * 5 // len(rows)
            assert (binned == t.column(c[len("float_"):]).to_numpy()).all(), c
        print(",".join(floats))
        """#, arguments: [dir.file("v.parquet")])
    #expect(
      checked == "float_feature_pca_001,float_feature_pca_002,float_feature_pca_003,float_feature_umap_001,float_feature_umap_002\n")
    let info = try CommandLineTool.run(["data", "info", dir.file("v.parquet"), "--json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
    #expect((json["columns"] as? [String: Any])?.count == 17, "the float columns are not loaded as features")
    let cache = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("pca.smt"), "--keep-float", "--data", dir.file("s_validation.parquet"),
       "--out", dir.file("v.smd")])
    #expect(cache.status == 64 && cache.stderr.contains("--keep-float writes float columns to a .parquet --out only"), "\(cache.stderr)")
  }

  /// Bad input: one line each, exit 1 (64 for a bad option), nothing written.
  @Test func badInputsAreOneClearLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.synth(dir)
    try Self.synth(dir, features: 8, prefix: "narrow")
    _ = try CommandLineTool.run(
      ["features", "fit", "--method", "fa", "--components", "2", "--data", dir.file("s_train.parquet"), "--out", dir.file("f.smt")])
    let missing = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("f.smt"), "--data", dir.file("narrow_train.parquet"), "--out", dir.file("x.smd")])
    #expect(missing.status == 1)
    #expect(missing.stderr == "Error: feature stage 'fa:2' was fitted on feature_0008, which the data lacks\n")
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.smd")))
    let tooMany = try CommandLineTool.run(
      ["features", "fit", "--method", "pca", "--components", "40", "--data", dir.file("s_train.parquet"), "--out", dir.file("p.smt")])
    #expect(tooMany.status == 1)
    #expect(tooMany.stderr == "Error: feature stage 'pca:40': expected 1…12 components\n")
    #expect(!FileManager.default.fileExists(atPath: dir.file("p.smt")))
    let notAStage = try CommandLineTool.run(["features", "info", dir.file("s_features.json")])
    #expect(notAStage.stderr == "Error: \(dir.file("s_features.json")): not a saved feature stage\n")
  }
}
