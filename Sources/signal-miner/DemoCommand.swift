import ArgumentParser
import Foundation
import Mining
import NumeraiData
import Report
import Scoring

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
    let synthetic = try SyntheticNumerai(.init(eras: 150, rowsPerEra: 400, features: 60, targets: 2, seed: seed, validationEras: 50))
    let paths = try synthetic.write(prefix: directory + "/synthetic")
    print("wrote \(paths.joined(separator: ", "))")
    let dataset = try DatasetLoader.load(paths: Array(paths.prefix(2))).dataset
    print("loaded \(dataset.rowCount) rows, \(dataset.eras.count) eras, \(dataset.featureCount) int8 features, targets \(dataset.targetNames.joined(separator: ", "))")
    let studyPath = directory + "/study.sqlite"
    print("\nmining \(trials) configurations against the example benchmark into \(studyPath) …")
    let study = try Study.create(
      studyPath, dataset: dataset, files: Array(paths.prefix(2)),
      splits: try TimeSeriesSplit(nSplits: 2, gap: 12).splits(eras: dataset.eras),
      benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
    let progress = ProgressPrinter(tracker: try ProgressTracker(study: study))
    var sampler = UniformSampler(
      space: try SearchSpace(json: Data(Self.space.utf8), source: "demo space", availableTargets: dataset.targetNames),
      fixed: BenchmarkPresets.example, seed: seed)
    try study.optimize(
      dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: trials, jobs: 1, threadsPerJob: ProcessInfo.processInfo.activeProcessorCount),
      onSplitFinished: { _ in progress.report() })
    progress.finish(interrupted: false)
    try showResults(study)
  }

  private func showResults(_ study: Study) throws {
    let results = try study.results()
    print("\nleaderboard (top 10 by whole-period Sharpe; the benchmark is flagged):")
    print(TrialResultTable(results).sorted(by: \.wholeSharpe).prefix(10).text())
    let report = directory + "/report.html"
    try HTMLReport.render(title: "SignalMiner demo", results: results, splits: study.layout.splits, eras: study.eras)
      .write(toFile: report, atomically: true, encoding: .utf8)
    print("wrote \(report)")
    print("\nmore: signal-miner results --study \(directory)/study.sqlite --better-than-benchmark")
  }
}
