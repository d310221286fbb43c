import Foundation
import TestSupport
import Testing

/// `mine --pruner hyperband --sampler tpe` on a small synthetic data set: the trials at 1/9, 1/3 and 1 that
/// `results --all-fidelities` shows, the models alone that `results` shows, `progress --cpu-budget`, and the
/// option errors.
@Suite struct HyperbandCommandTests {
  @Test func hyperbandOverTPEMinesThreeFidelitiesAndResultsShowsTheModels() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let synth = try CommandLineTool.run(
      [
        "data", "synth", "--out", dir.file("d"), "--eras", "40", "--rows-per-era", "60", "--features", "8",
        "--validation-eras", "4", "--seed", "4",
      ],
      timeout: 120)
    #expect(synth.status == 0, "\(synth.stderr)")
    try #"{"n_estimators": [27, 54], "learning_rate": [0.02, 0.05, 0.1], "num_leaves": [4, 8], "max_depth": [3, 4]}"#
      .write(toFile: dir.file("space.json"), atomically: true, encoding: .utf8)
    let study = dir.file("s.sqlite")
    let mine = try CommandLineTool.run(
      [
        "mine", "--study", study, "--data", dir.file("d_train.parquet"), "--space", dir.file("space.json"), "--sampler",
        "tpe",
        "--pruner", "hyperband", "--trials", "13", "--splits", "2", "--gap", "2", "--benchmark",
        "n_estimators=27,learning_rate=0.1",
        "--threads-per-job", "1",
      ], timeout: 600)
    #expect(mine.status == 0, "\(mine.stderr)")
    func fidelities(_ extra: [String]) throws -> [Double] {
      let run = try CommandLineTool.run(["results", "--study", study, "--json"] + extra, timeout: 120)
      let rows = try #require(
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stderr)")
      return rows.map { ($0["fidelity"] as? Double) ?? 1 }
    }
    let all = try fidelities(["--all-fidelities"])
    #expect(all.map { Int(($0 * 9).rounded()) }.sorted() == [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9, 9])
    #expect(try fidelities([]) == [1, 1], "the benchmark and the full-fidelity trial")
    let progress = try CommandLineTool.run(["progress", "--study", study, "--cpu-budget", "1000"], timeout: 60)
    #expect(
      progress.stdout.hasPrefix("Progress: 14/14 trials") && progress.stdout.contains("/1000 s trained"),
      "\(progress.stdout)")
  }

  @Test func unknownPrunerBadFidelityAndBadBudgetAreOneLineErrors() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let base = ["mine", "--study", dir.file("s.sqlite"), "--data", dir.file("missing.parquet")]
    let pruner = try CommandLineTool.run(base + ["--pruner", "asha"], timeout: 60)
    #expect(
      pruner.status != 0 && pruner.stderr == "Error: --pruner asha: expected none, halving or hyperband\n",
      "\(pruner.stderr)")
    let fidelity = try CommandLineTool.run(base + ["--pruner", "halving", "--min-fidelity", "1.5"], timeout: 60)
    #expect(
      fidelity.status != 0 && fidelity.stderr.hasPrefix("Error: --min-fidelity 1.5: expected a number in (0, 1]\n"),
      "\(fidelity.stderr)")
    let budget = try CommandLineTool.run(base + ["--cpu-budget", "0"], timeout: 60)
    #expect(
      budget.status != 0 && budget.stderr == "Error: --cpu-budget 0.0: expected a number of seconds > 0\n",
      "\(budget.stderr)")
  }
}
