import Foundation
import Mining
import NumeraiData
import Scoring
import TestSupport
import Testing

// README example begin
/// Mines `trials` configurations with the GFlowNet sampler into a SQLite study; returns the top 10.
func mine(files: [String], study path: String, space: String, trials: Int = 20) throws -> String {
  let dataset = try DatasetLoader.load(paths: files).dataset
  let study = try Study.create(
    path, dataset: dataset, files: files, splits: try TimeSeriesSplit(nSplits: 2, gap: 12).splits(eras: dataset.eras),
    benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
  var sampler = try GFlowNetSampler(
    space: try SearchSpace.load(space, availableTargets: dataset.targetNames), fixed: BenchmarkPresets.example, seed: 0,
    reward: TrialReward(kind: .sharpe, period: .validation), batch: 8)
  try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: trials, jobs: 2, threadsPerJob: 1))
  return TrialResultTable(try study.results()).sorted(by: \.wholeSharpe).prefix(10).text()
}
// README example end

/// The README's library example is this file's `mine`, word for word, and it runs.
@Suite struct ReadmeExampleTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func theReadmeShowsThisExample() throws {
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let example = try #require(source.components(separatedBy: "// README example begin\n").last?
      .components(separatedBy: "// README example end").first)
    let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains(example), "README.md must show the example of ReadmeExampleTests.swift")
  }

  @Test func theExampleMinesTwentyTrialsAndPrintsTheLeaderboard() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let data = try SyntheticNumerai(.init(eras: 65, rowsPerEra: 60, features: 10, targets: 1, seed: 5, validationEras: 5))
    let files = try data.write(prefix: dir.file("d"))
    try #"{"n_estimators": [20, 40, 60], "learning_rate": [0.02, 0.05, 0.1], "num_leaves": [4, 8], "max_depth": [3, 4, 5]}"#
      .write(toFile: dir.file("space.json"), atomically: true, encoding: .utf8)
    let leaderboard = try mine(files: Array(files.prefix(2)), study: dir.file("s.sqlite"), space: dir.file("space.json"))
    let lines = leaderboard.split(separator: "\n")
    #expect(lines.count == 11 && lines[0].contains("whole_sharpe"))
    let study = try Study.open(dir.file("s.sqlite"))
    #expect(try study.store.progress().done == 21)
    #expect(try study.store.trials().filter { $0.sampler == "gfn" }.count == 20)
    #expect(try study.store.samplerState("gfn") != nil)
  }
}
