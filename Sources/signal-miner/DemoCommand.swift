import ArgumentParser
import Foundation
import Mining
import NumeraiData

/// `signal-miner demo`: the main job on a Numerai-shaped data set it generates itself.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Generate a Numerai-shaped data set, mine ~40 configurations against the example benchmark, show the leaderboard, write the report.")

  @Option(help: "Directory for the demo's files.") var directory = "demo-output"
  @Option(help: "Configurations to mine.") var trials = 40
  @Option(help: "Random seed.") var seed: UInt64 = 0

  /// A space sized for a few minutes on 2 cores (the notebook's full space is for days).
  static let space = """
    {"n_estimators": {"linspace": [100, 1500, 15], "int": true}, "learning_rate": {"logspace": [0.003, 0.1, 12]},
     "num_leaves": [4, 8, 15, 31, 63], "max_depth": [3, 4, 5, 6, 8], "colsample_bytree": [0.05, 0.1, 0.2, 0.4, 0.7],
     "min_child_samples": [10, 50, 200, 800], "reg_lambda": [0, 1, 10, 100, 1000], "max_bin": [3, 4, 5]}
    """

  func run() async throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let prefix = directory + "/synthetic"
    let synthetic = try SyntheticNumerai(.init(eras: 150, rowsPerEra: 400, features: 60, targets: 2, seed: seed, validationEras: 50))
    let paths = try synthetic.write(prefix: prefix)
    print("wrote \(paths.joined(separator: ", "))")
    let info = try DataCommand.Info.parse([paths[0], paths[1], "--features-json", paths[2]])
    try await info.run()
    try Self.space.write(toFile: directory + "/space.json", atomically: true, encoding: .utf8)
    let studyPath = directory + "/study.sqlite"
    print("\nmining \(trials) configurations against the example benchmark into \(studyPath) …")
    let mine = try MineCommand.parse([
      "--study", studyPath, "--data", paths[0], "--data", paths[1], "--space", directory + "/space.json",
      "--trials", "\(trials)", "--jobs", "1", "--splits", "2", "--gap", "12", "--benchmark", "example",
      "--seed", "\(seed)",
    ])
    try await mine.run()
    print("\nleaderboard (top 10 by whole-period Sharpe; the benchmark is flagged):")
    let results = try ResultsCommand.parse(["--study", studyPath, "--limit", "10"])
    try await results.run()
    let report = try ReportCommand.parse(["--study", studyPath, "--out", directory + "/report.html"])
    try await report.run()
    print("\nmore: signal-miner results --study \(studyPath) --better-than-benchmark")
  }
}
