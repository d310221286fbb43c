import Foundation
import TestSupport
import Testing

/// `--transform T.smt` on mine, export and predict: the study mines the data's features plus the stage's, the
/// exported ensemble carries the stage, and `predict` on live rows appends it (never refitting) — the same
/// predictions whether the live file arrives raw, already transformed by `features apply`, or with --transform.
@Suite struct AppendedStagesTests {
  @Test func mineExportPredictCarryTheStage() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var mine = try MiningProcessTests.prepare(dir, trials: 1)
    let fit = try CommandLineTool.run(
      ["features", "fit", "--method", "pca", "--components", "3", "--data", dir.file("d_train.parquet"), "--data",
       dir.file("d_validation.parquet"), "--out", dir.file("p.smt")])
    #expect(fit.status == 0, "\(fit.stderr)")
    mine += ["--transform", dir.file("p.smt")]
    let mined = try CommandLineTool.run(mine)
    #expect(mined.status == 0, "\(mined.stderr)")
    // Without the stage the study's data is not what it was mined on: one line.
    let bare = try CommandLineTool.run(["export", "--study", dir.file("s.sqlite"), "--trials", "2", "--out", dir.file("bare")])
    #expect(bare.status == 1 && bare.stderr.contains("27 features") && bare.stderr.contains("24 features"), "\(bare.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("bare/ensemble.json")))
    let export = try CommandLineTool.run(
      ["export", "--study", dir.file("s.sqlite"), "--trials", "2", "--out", dir.file("ens"), "--transform", dir.file("p.smt")])
    #expect(export.status == 0, "\(export.stderr)")
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("ens/ensemble.json")))) as! [String: Any]
    #expect(manifest["appendedStages"] as? [String] == ["appended-1.smt"])
    #expect((manifest["featureNames"] as? [String])?.suffix(3) == ["feature_pca_001", "feature_pca_002", "feature_pca_003"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("ens/appended-1.smt"))) == (try Data(contentsOf: URL(fileURLWithPath: dir.file("p.smt")))))

    func predict(_ data: String, _ extra: [String] = [], out: String) throws -> String {
      let run = try CommandLineTool.run(["predict", "--model", dir.file("ens"), "--data", data, "--out", dir.file(out)] + extra)
      #expect(run.status == 0, "\(run.stderr)")
      return try String(contentsOfFile: dir.file(out), encoding: .utf8)
    }
    let raw = try predict(dir.file("d_validation.parquet"), out: "raw.csv")
    let applied = try CommandLineTool.run(
      ["features", "apply", "--transform", dir.file("p.smt"), "--data", dir.file("d_validation.parquet"), "--out", dir.file("v.smd")])
    #expect(applied.status == 0, "\(applied.stderr)")
    #expect(try predict(dir.file("v.smd"), out: "pre.csv") == raw)
    #expect(try predict(dir.file("d_validation.parquet"), ["--transform", dir.file("p.smt")], out: "flag.csv") == raw)
    #expect(raw.split(separator: "\n").count == 1 + 20 * 250)
  }
}
