import Foundation
import TestSupport
import Testing

/// `--compression`, `--zstd-level` and `--float-encoding` on the commands that write Parquet: the files hold the
/// same values as the defaults', in the codec asked for.
@Suite struct ParquetOutputTests {
  static let synth = ["--eras", "10", "--rows-per-era", "40", "--features", "8", "--validation-eras", "3", "--seed", "4"]

  @Test func synthWithZstdAndSplitFloatsHoldsTheSameData() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let plain = try CommandLineTool.run(["data", "synth", "--out", dir.file("a")] + Self.synth)
    let packed = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("b"), "--compression", "zstd", "--zstd-level", "9", "--float-encoding",
       "byte-stream-split"] + Self.synth)
    #expect(plain.status == 0 && packed.status == 0, "\(plain.stderr)\(packed.stderr)")
    func info(_ prefix: String) throws -> [String: Any] {
      let run = try CommandLineTool.run(["data", "info", dir.file("\(prefix)_train.parquet"), "--json"])
      return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }
    let a = try info("a")
    let b = try info("b")
    #expect((b["files"] as? [[String: Any]])?.first?["codecs"] as? [String] == ["ZSTD"])
    #expect((a["files"] as? [[String: Any]])?.first?["codecs"] as? [String] == ["SNAPPY"])
    for key in ["rows", "columns", "targets", "eras"] {
      let same = (a[key] as? NSObject).map { $0.isEqual(b[key]) } ?? false
      #expect(same, "\(key): \(a[key] ?? "none") vs \(b[key] ?? "none")")
    }
  }

  @Test func predictWritesParquetThatScoresLikeTheCSV() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    _ = try CommandLineTool.run(["data", "synth", "--out", dir.file("s")] + Self.synth)
    let data = ["--data", dir.file("s_train.parquet")]
    let train = try CommandLineTool.run(
      ["train", "--model", dir.file("m.smm"), "--param", "num_iterations=20", "--param", "num_leaves=4"] + data)
    #expect(train.status == 0, "\(train.stderr)")
    var scores: [String] = []
    for (out, flags) in [("p.csv", []), ("p.parquet", ["--compression", "zstd", "--float-encoding", "byte-stream-split"])] {
      let predict = try CommandLineTool.run(["predict", "--model", dir.file("m.smm"), "--out", dir.file(out)] + flags + data)
      #expect(predict.status == 0, "\(predict.stderr)")
      let score = try CommandLineTool.run(["score", "--predictions", dir.file(out), "--json"] + data)
      #expect(score.status == 0, "\(score.stderr)")
      scores.append(score.stdout)
    }
    #expect(scores[0] == scores[1])
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("p.parquet"))).prefix(4) == Data("PAR1".utf8))
  }

  @Test func aZstdLevelOutOfRangeIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let run = try CommandLineTool.run(["data", "synth", "--out", dir.file("s"), "--zstd-level", "30"] + Self.synth)
    #expect(run.status != 0)
    #expect(run.stderr.contains("--zstd-level 30: expected 1…22"))
    #expect(!FileManager.default.fileExists(atPath: dir.file("s_train.parquet")))
  }
}
