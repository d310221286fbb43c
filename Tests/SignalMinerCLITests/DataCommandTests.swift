import Foundation
import TestSupport
import Testing

/// `signal-miner data …` as a user runs it: outputs, exit codes and one-line errors.
@Suite struct DataCommandTests {
  @Test func synthThenInfoJSON() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let synth = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("s"), "--eras", "12", "--rows-per-era", "40", "--features", "10",
       "--validation-eras", "3", "--seed", "9"])
    #expect(synth.status == 0, "\(synth.stderr)")
    #expect(synth.stdout.split(separator: "\n").map(String.init) == ["s_train.parquet", "s_validation.parquet", "s_features.json"].map(dir.file))
    let info = try CommandLineTool.run(
      ["data", "info", dir.file("s_train.parquet"), dir.file("s_validation.parquet"), "--features-json",
       dir.file("s_features.json"), "--json"])
    #expect(info.status == 0, "\(info.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
    #expect(json["rows"] as? Int == 480)
    #expect(json["features"] as? Int == 10)
    let eras = try #require(json["eras"] as? [String: Any])
    #expect(eras["count"] as? Int == 12 && eras["first"] as? String == "0001" && eras["last"] as? String == "0012")
    #expect(eras["rows_per_era_min"] as? Int == 40 && eras["rows_per_era_max"] as? Int == 40)
    let targets = try #require(json["targets"] as? [String: [String: Any]])
    #expect(Set(targets.keys) == ["target", "target_agnes_20"])
    // The last 2 of 3 validation eras are unlabelled: 80 NaN.
    #expect(targets["target"]?["nan"] as? Int == 80)
    #expect(abs((targets["target"]?["mean"] as? Double ?? 0) - 0.5) < 1e-9)
    let columns = try #require(json["columns"] as? [String: [String: Any]])
    #expect(columns.count == 10)
    #expect(columns["feature_0003"]?["min"] as? Int == 0 && columns["feature_0003"]?["max"] as? Int == 4)
    #expect(abs((columns["feature_0003"]?["mean"] as? Double ?? 0) - 2) < 1e-9)
    #expect(columns["feature_0003"]?["nulls"] as? Int == 0)
    #expect((json["feature_sets"] as? [String: Int]) == ["small": 2, "medium": 5, "all": 10])
    let files = try #require(json["files"] as? [[String: Any]])
    #expect(files.first?["codecs"] as? [String] == ["SNAPPY"])
  }

  @Test func importWritesACacheThatEveryDataOptionOpens() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    _ = try CommandLineTool.run(["data", "synth", "--out", dir.file("s"), "--eras", "8", "--rows-per-era", "30", "--features", "6", "--validation-eras", "2"])
    let imported = try CommandLineTool.run(
      ["data", "import", dir.file("s_train.parquet"), dir.file("s_validation.parquet"), "--out", dir.file("d.smd")])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.hasPrefix("wrote \(dir.file("d.smd")): 240 rows, 8 eras, 6 features, 2 targets"))
    let fromCache = try CommandLineTool.run(["data", "info", dir.file("d.smd"), "--json"])
    let fromParquet = try CommandLineTool.run(["data", "info", dir.file("s_train.parquet"), dir.file("s_validation.parquet"), "--json"])
    let a = try JSONSerialization.jsonObject(with: Data(fromCache.stdout.utf8)) as! [String: Any]
    let b = try JSONSerialization.jsonObject(with: Data(fromParquet.stdout.utf8)) as! [String: Any]
    #expect(a["rows"] as? Int == 240)
    #expect(NSDictionary(dictionary: a["columns"] as! [String: Any]) == NSDictionary(dictionary: b["columns"] as! [String: Any]))
    #expect(NSDictionary(dictionary: a["targets"] as! [String: Any]) == NSDictionary(dictionary: b["targets"] as! [String: Any]))
  }

  /// Each bad input: exit code 1, one line on stderr naming the file and what was expected.
  @Test func badInputsFailWithOneClearLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    _ = try CommandLineTool.run(["data", "synth", "--out", dir.file("s"), "--eras", "6", "--rows-per-era", "20", "--features", "4", "--validation-eras", "2"])
    let valid = try Data(contentsOf: URL(fileURLWithPath: dir.file("s_train.parquet")))
    try valid.prefix(valid.count - 100).write(to: URL(fileURLWithPath: dir.file("truncated.parquet")))
    try Data("id,era\n".utf8).write(to: URL(fileURLWithPath: dir.file("notparquet.parquet")))
    try Data().write(to: URL(fileURLWithPath: dir.file("empty.parquet")))
    let cases: [([String], String)] = [
      (["data", "info", dir.file("missing.parquet")], "\(dir.file("missing.parquet")): cannot open the file"),
      (["data", "info", dir.file("truncated.parquet")], "\(dir.file("truncated.parquet")): truncated or not a Parquet file"),
      (["data", "info", dir.file("notparquet.parquet")], "\(dir.file("notparquet.parquet")): not a Parquet file"),
      (["data", "info", dir.file("empty.parquet")], "\(dir.file("empty.parquet")): the file is empty"),
      (["data", "info", dir.file("s_train.parquet"), "--features-json", dir.file("s_features.json"), "--feature-set", "huge"],
       "unknown feature set 'huge', expected one of: all, medium, small"),
    ]
    for (arguments, expected) in cases {
      let result = try CommandLineTool.run(arguments)
      #expect(result.status == 1, "\(arguments)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
  }
}
