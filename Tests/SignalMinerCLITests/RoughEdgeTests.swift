import Foundation
import TestSupport
import Testing

/// What a new user runs into first.
@Suite struct RoughEdgeTests {
  /// Live-like data (every target NaN): one line saying so, before any split arithmetic, and no study.
  @Test func miningDataWithoutLabelsIsOneClearError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var csv = "id,era,feature_a,feature_b,target\n"
    for era in 1...30 { for row in 0..<5 { csv += "n\(era)_\(row),\(String(format: "%04d", era)),\(row % 5),\((row + era) % 5),\n" } }
    try csv.write(toFile: dir.file("live.csv"), atomically: true, encoding: .utf8)
    let result = try CommandLineTool.run(["mine", "--study", dir.file("s.sqlite"), "--data", dir.file("live.csv"), "--trials", "1"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("\(dir.file("live.csv")): no labelled rows (target 'target' is NaN in all 150 rows)"), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("s.sqlite")))
  }

  @Test func completionScriptsForEachShell() throws {
    for shell in ["bash", "zsh", "fish"] {
      let result = try CommandLineTool.run(["completion", shell])
      #expect(result.status == 0, "\(shell): \(result.stderr)")
      #expect(result.stdout.contains("signal-miner") && result.stdout.contains("holdout"), "\(shell)")
    }
    let bad = try CommandLineTool.run(["completion", "tcsh"])
    #expect(bad.status != 0 && bad.stderr.contains("shell tcsh: expected bash, zsh or fish"), "\(bad.stderr)")
  }

  /// A bad value found while a subcommand runs shows that subcommand's usage, not `signal-miner <subcommand>`.
  @Test func aRunTimeUsageErrorShowsTheSubcommandsUsage() throws {
    let bad = try CommandLineTool.run(["completion", "tcsh"])
    #expect(bad.status == 64)
    #expect(
      bad.stderr == """
        Error: shell tcsh: expected bash, zsh or fish
        Usage: signal-miner completion <shell>
          See 'signal-miner completion --help' for more information.

        """, "\(bad.stderr)")
    let nested = try CommandLineTool.run(["data", "synth", "--out", "/nonexistent/x", "--zstd-level", "0"])
    #expect(nested.status == 64)
    #expect(nested.stderr.contains("Usage: signal-miner data synth --out <out>"), "\(nested.stderr)")
    #expect(!nested.stderr.contains("signal-miner <subcommand>"))
  }
}
