import ArgumentParser
import Boosting
import Foundation
import Mining
import NumeraiData
import Scoring

/// Set by SIGINT; mining stops after giving back its claimed splits.
nonisolated(unsafe) var interruptRequested = false

/// The benchmarks of the Signal Miner notebook.
enum Benchmarks {
  static let example: [String: Double] = [
    "colsample_bytree": 0.1, "max_bin": 5, "max_depth": 5, "num_leaves": 15, "min_child_samples": 20,
    "n_estimators": 2000, "reg_lambda": 0, "learning_rate": 0.01,
  ]
  static let deep: [String: Double] = [
    "colsample_bytree": 0.1, "max_bin": 5, "max_depth": 10, "num_leaves": 1024, "min_child_samples": 10000,
    "n_estimators": 30000, "reg_lambda": 0, "learning_rate": 0.001,
  ]

  /// `example`, `deep`, or `name=value,…` over the example.
  static func parse(_ text: String) throws -> [String: Double] {
    if text == "example" { return example }
    if text == "deep" { return deep }
    var values = example
    for pair in text.split(separator: ",") {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let value = Double(parts[1]), SearchSpace.tunable.contains(parts[0]) else {
        throw MiningError("--benchmark \(text): expected example, deep or name=value,… with names \(SearchSpace.tunable.joined(separator: ", "))")
      }
      values[parts[0]] = value
    }
    return values
  }
}

/// `signal-miner mine`: sample configurations, cross-validate them era-wise, keep everything in a study.
struct MineCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mine", abstract: "Mine configurations into a study (resumable; several processes may share one study).")

  @Option(help: "The study file (SQLite); created on first use, resumed after.") var study: String
  @OptionGroup var data: DataOptions
  @Option(help: "Search space JSON (default: the Signal Miner notebook's).") var space: String?
  @Option(help: "Sampler: uniform, or gfn (a GFlowNet that learns from finished trials).") var sampler = "uniform"
  @Option(help: "gfn: the score rewarded: sharpe, corr, mmc, or beat (min(corr / benchmark's, Sharpe / benchmark's) − 1).")
  var reward = "sharpe"
  @Option(
    name: .customLong("reward-period"),
    help: "gfn: where the score is measured: validation (the first test fold; the last stays unseen) or whole (every out-of-fold era, as beating the benchmark is judged).")
  var rewardPeriod = "validation"
  @Option(help: "gfn: reward sharpness, R = exp(beta · score).") var beta = 10.0
  @Option(help: "gfn: configurations per batch (the policy trains after each).") var batch = 8
  @Option(help: "gfn: lower the score by λ × the trial's correlation with the benchmark's predictions.") var uniqueness = 0.0
  @Option(
    name: .customLong("reward-cap"),
    help: "gfn: scores above this count as this, so every configuration that good is wanted equally (with --reward beat, 0 rewards beating the benchmark, not by how much).")
  var rewardCap: Double?
  @Option(
    name: .customLong("diversity-pool"),
    help: "gfn: draw this many policy candidates per proposal and evaluate those whose predictions look least like the best 20 so far by whole Sharpe (1: off).")
  var diversityPool = 1
  @Option(help: "Configurations to sample (besides the benchmark).") var trials = 100
  @Option(help: "Splits trained at the same time.") var jobs = 1
  @Option(name: .customLong("threads-per-job"), help: "Threads per job (default: cores / jobs).") var threadsPerJob: Int?
  @Option(help: "TimeSeriesSplit n_splits over the eras.") var splits = 2
  @Option(help: "Eras between train and test.") var gap = 12
  @Option(help: "example, deep, or name=value,… over the example.") var benchmark = "example"
  @Option(help: "Seed of the sampler.") var seed: UInt64 = 0

  func run() async throws {
    guard sampler == "uniform" || sampler == "gfn" else { throw MiningError("--sampler \(sampler): expected uniform or gfn") }
    guard let rewardKind = TrialReward.Kind(rawValue: reward) else {
      throw MiningError("--reward \(reward): expected sharpe, corr, mmc or beat")
    }
    guard let period = TrialReward.Period(rawValue: rewardPeriod) else {
      throw MiningError("--reward-period \(rewardPeriod): expected validation or whole")
    }
    guard beta.isFinite, beta > 0 else { throw MiningError("--beta \(beta): expected a positive number") }
    guard uniqueness.isFinite else { throw MiningError("--uniqueness \(uniqueness): expected a number") }
    if let rewardCap, !rewardCap.isFinite { throw MiningError("--reward-cap \(rewardCap): expected a number") }
    let trialReward = TrialReward(kind: rewardKind, period: period, uniqueness: uniqueness, cap: rewardCap)
    guard batch >= 1 else { throw MiningError("--batch \(batch): expected at least 1") }
    guard diversityPool >= 1 else { throw MiningError("--diversity-pool \(diversityPool): expected at least 1") }
    guard jobs >= 1 else { throw MiningError("--jobs \(jobs): expected at least 1") }
    let loaded = try data.load()
    let dataset = loaded.dataset
    let eraSplits = try TimeSeriesSplit(nSplits: splits, gap: gap).splits(eras: dataset.eras)
    let benchmarkValues = try Benchmarks.parse(benchmark)
    let mainTarget = dataset.targetNames.contains("target") ? "target" : dataset.targetNames.first ?? "target"
    guard let targetIndex = dataset.targetIndex(named: mainTarget) else { throw MiningError("the data has no target column") }
    let benchmarkConfiguration = TrialConfiguration(values: benchmarkValues, target: mainTarget)
    let searchSpace: SearchSpace
    if let space {
      searchSpace = try SearchSpace(
        json: try Data(contentsOf: URL(fileURLWithPath: space)), source: space, availableTargets: dataset.targetNames)
    } else {
      searchSpace = SearchSpace.standard(targets: dataset.targetNames)
    }
    let fingerprint = StudyFingerprint(
      files: data.paths.map { URL(fileURLWithPath: $0).lastPathComponent }, rows: dataset.rowCount,
      eras: dataset.eras.count, features: dataset.featureNames)
    let store = try Study.create(
      path: study, fingerprint: fingerprint, splits: eraSplits,
      splitTargets: Miner.splitTargets(dataset: dataset, splits: eraSplits, target: targetIndex),
      benchmark: benchmarkConfiguration,
      benchmarkParameters: try benchmarkConfiguration.parameters(over: BoostingParameters()))
    let miner = try Miner(dataset: dataset, study: store)
    signal(SIGINT) { _ in interruptRequested = true }
    let threads = threadsPerJob ?? max(1, data.threads / jobs)
    let start = Date()
    let initial = try store.progress()
    let reporter = ProgressReporter(study: store, start: start, initialDone: initial.splitsDone)
    reporter.report()
    let run = { try miner.run(jobs: jobs, threads: threads, shouldStop: { interruptRequested }) { _, _ in reporter.report() } }
    if sampler == "uniform" {
      var uniform = UniformSampler(space: searchSpace, fixed: benchmarkValues, seed: seed)
      try miner.sample(trials, with: &uniform)
      try run()
    } else {
      // Batches: train what is pending, let the policy learn from every finished trial, propose the next batch.
      var gfn = try GFlowNetSampler(
        space: searchSpace, fixed: benchmarkValues, beta: beta, seed: seed, diversityPool: diversityPool)
      if let state = try store.samplerState("gfn") { try gfn.restore(state) }
      while !interruptRequested {
        try run()
        if interruptRequested { break }
        let all = try TrialResults.compute(store)
        let benchmarkResult = all.first(where: \.isBenchmark)
        let results = all.filter { !$0.isBenchmark && $0.status == "done" }
        let configurations = Dictionary(uniqueKeysWithValues: try store.trials().map { ($0.id, $0.configuration) })
        gfn.observe(results.compactMap { r in trialReward.score(r, benchmark: benchmarkResult).map { (configurations[r.id]!, $0) } })
        if diversityPool > 1 {
          let splitCount = try store.splits().count
          let predictions = try results.map { r in
            try (0..<splitCount).flatMap { try store.predictions(trial: r.id, split: $0) ?? [] }
          }
          let rows = predictions.first?.count ?? 0
          gfn.observeOutputs(
            results.map { configurations[$0.id]! },
            correlations: DiverseSelection.correlations(predictions, stride: max(1, rows / 100_000)),
            ranking: results.map { $0.wholeSharpe ?? -.infinity })
        }
        try store.saveSamplerState("gfn", gfn.state())
        let sampled = configurations.count - 1
        if sampled >= trials { break }
        try miner.sample(min(trials, sampled + batch), with: &gfn)
        if try store.trials().count - 1 == sampled { break }  // the space is exhausted
      }
    }
    reporter.finish(interrupted: interruptRequested)
    if interruptRequested { throw ExitCode(130) }
  }
}

/// The live progress line (on a terminal) or log lines (otherwise).
final class ProgressReporter: @unchecked Sendable {
  let study: Study
  let start: Date
  let initialDone: Int
  private let lock = NSLock()
  private var lastResults = Date.distantPast
  private var best: (sharpe: Double?, beating: Int) = (nil, 0)

  init(study: Study, start: Date, initialDone: Int) {
    self.study = study
    self.start = start
    self.initialDone = initialDone
  }

  func report() {
    lock.lock()
    defer { lock.unlock() }
    guard let p = try? study.progress() else { return }
    if Date().timeIntervalSince(lastResults) > 15 || p.done == p.total, let results = try? TrialResults.compute(study) {
      lastResults = Date()
      best = (results.compactMap(\.wholeSharpe).max(), results.filter(\.beatsBenchmark).count)
    }
    let elapsed = Date().timeIntervalSince(start)
    let splitsPerTrial = max(1, p.splitsTotal / max(1, p.total))
    let newSplits = p.splitsDone - initialDone
    let trialsPerHour = elapsed > 0 ? Double(newSplits) / Double(splitsPerTrial) / elapsed * 3600 : 0
    let remaining = Double(p.splitsTotal - p.splitsDone) / Double(splitsPerTrial)
    let eta = trialsPerHour > 0 ? remaining / trialsPerHour * 3600 : .infinity
    let line = String(
      format: "%d/%d trials done, %.0f trials/h, ETA %@, best whole Sharpe %@, %d beat the benchmark", p.done, p.total,
      trialsPerHour, eta.isFinite ? Self.duration(eta) : "-", best.sharpe.map { String(format: "%.3f", $0) } ?? "-",
      best.beating)
    if Console.isTerminal {
      FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    } else {
      Console.log(line)
    }
  }

  func finish(interrupted: Bool) {
    if Console.isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    if interrupted { Console.log("stopped: claimed splits were given back; run the same command to resume") }
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds)
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
  }
}

/// `signal-miner progress`: how far a study is, any time (also while mining runs).
struct ProgressCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "progress", abstract: "Show a study's progress.")
  @Option(help: "The study file.") var study: String
  @Flag(help: "One JSON object.") var json = false

  func run() async throws {
    let p = try Study.open(path: study).progress()
    if json {
      let object: [String: Any] = [
        "done": p.done, "total": p.total, "splits_done": p.splitsDone, "splits_total": p.splitsTotal,
        "running": p.running, "seconds_trained": p.secondsTrained,
      ]
      print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    } else {
      print(String(format: "Progress: %d/%d trials (%.2f%%), %d/%d splits, %d running", p.done, p.total,
                   p.total == 0 ? 0 : 100 * Double(p.done) / Double(p.total), p.splitsDone, p.splitsTotal, p.running))
    }
  }
}

/// `signal-miner results`: per-trial scores, the benchmark flagged.
struct ResultsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "results", abstract: "Score every trial of a study.")
  @Option(help: "The study file.") var study: String
  @Flag(name: .customLong("better-than-benchmark"), help: "Only trials whose whole corr and Sharpe beat the benchmark's.")
  var betterThanBenchmark = false
  @Option(help: "Sort key (descending), e.g. whole_sharpe.") var sort = "whole_sharpe"
  @Option(help: "At most this many rows.") var limit: Int?
  @Flag(help: "JSON array.") var json = false
  @Flag(help: "CSV.") var csv = false
  @Option(name: .customLong("meta-model"), help: "Meta-model predictions by id (e.g. meta_model.parquet): MMC against them instead of the benchmark.")
  var metaModel: String?
  @Option(name: .customLong("meta-column"), help: "The meta-model column (default numerai_meta_model or the only one).")
  var metaColumn: String?

  func validate() throws {
    if metaColumn != nil && metaModel == nil { throw ValidationError("--meta-column needs --meta-model") }
  }

  func run() async throws {
    let store = try Study.open(path: study)
    var results = try TrialResults.compute(store, metaModel: try metaModel.map { try metaModelValues($0, store) })
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys]
    var rows = try results.map { try JSONSerialization.jsonObject(with: encoder.encode($0)) as! [String: Any] }
    if betterThanBenchmark {
      rows = rows.filter { ($0["beats_benchmark"] as? Bool) == true || ($0["is_benchmark"] as? Bool) == true }
    }
    guard rows.isEmpty || rows[0].keys.contains(sort) || rows.contains(where: { $0[sort] != nil }) else {
      throw MiningError("--sort \(sort): unknown key, expected one of: \(rows[0].keys.sorted().joined(separator: ", "))")
    }
    rows.sort { (($0[sort] as? Double) ?? -.infinity) > (($1[sort] as? Double) ?? -.infinity) }
    if let limit { rows = Array(rows.prefix(limit)) }
    for i in rows.indices { rows[i]["per_era_corr"] = nil }
    results.removeAll()
    if json {
      print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys]), as: UTF8.self))
      return
    }
    let columns = ["id", "is_benchmark", "status", "target", "validation_sharpe", "test_sharpe", "whole_corr", "whole_sharpe",
                   "whole_max_drawdown", "whole_pearson", "whole_mmc", "benchmark_correlation", "beats_benchmark"]
    func cell(_ column: String, _ v: Any?) -> String {
      guard let v else { return "" }
      if column == "is_benchmark" || column == "beats_benchmark" { return (v as? Bool) == true ? "yes" : "no" }
      if column == "id", let n = v as? NSNumber { return "\(n.intValue)" }
      if let d = v as? Double { return String(format: "%.4f", d) }
      return "\(v)"
    }
    if csv {
      print((columns + ["config"]).joined(separator: ","))
      for r in rows {
        let config = (r["config"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print((columns.map { cell($0, r[$0]) } + ["\"\(config)\""]).joined(separator: ","))
      }
      return
    }
    print(columns.map { $0.leftPadded(max(8, min($0.count, 14))) }.joined(separator: " "))
    for r in rows { print(columns.map { cell($0, r[$0]).leftPadded(max(8, min($0.count, 14))) }.joined(separator: " ")) }
  }
}

extension ResultsCommand {
  /// The meta model's value for each out-of-fold row of each split (NaN where the file has none).
  /// - Throws: when the study keeps no ids, or no out-of-fold row has a meta-model value.
  func metaModelValues(_ path: String, _ store: Study) throws -> [[Double]] {
    let table = try PredictionTable(path: path)
    let values = try table.column(metaColumn)
    var byID: [String: Double] = [:]
    byID.reserveCapacity(table.ids.count)
    for (k, id) in table.ids.enumerated() {
      guard byID.updateValue(values[k], forKey: id) == nil else {
        throw DataError(path: path, column: "id", "id '\(id)' appears twice, expected each id once")
      }
    }
    let splits = try store.splitTargets()
    guard splits.allSatisfy({ $0.ids.count == $0.labels.count }) else {
      throw MiningError("\(study) does not keep its rows' ids (made by an older version); --meta-model needs a new study")
    }
    let matched = splits.map { $0.ids.map { byID[$0] ?? .nan } }
    let found = matched.reduce(0) { $0 + $1.filter { !$0.isNaN }.count }
    let total = splits.reduce(0) { $0 + $1.ids.count }
    guard found > 0 else {
      throw DataError(path: path, "none of the study's \(total) out-of-fold ids has a meta-model value; expected the same ids")
    }
    if found < total {
      FileHandle.standardError.write(Data("note: \(path) covers \(found) of the \(total) out-of-fold rows; MMC uses those\n".utf8))
    }
    return matched
  }
}

/// `signal-miner space show`: the search space and how many configurations it holds.
struct SpaceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "space", abstract: "Search spaces.", subcommands: [Show.self])

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a search space with its number of configurations.")
    @Option(help: "Search space JSON (default: the Signal Miner notebook's).") var space: String?
    @Option(parsing: .upToNextOption, help: "Targets to choose from.") var targets: [String] = ["target"]
    @Option(help: "The benchmark fixing untuned parameters.") var benchmark = "example"

    func run() async throws {
      let s = try space.map { try SearchSpace(json: Data(contentsOf: URL(fileURLWithPath: $0)), source: $0, availableTargets: targets) }
        ?? SearchSpace.standard(targets: targets)
      let fixed = try Benchmarks.parse(benchmark)
      for p in s.parameters {
        let values = p.values
        let shown = values.count <= 6 ? values.map { Self.format($0) }.joined(separator: ", ")
          : "\(Self.format(values[0])), \(Self.format(values[1])), …, \(Self.format(values[values.count - 1]))"
        print("\(p.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(values.count).leftPadded(6)) values: \(shown)")
      }
      print("\("target".padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(s.targets.count).leftPadded(6)) values: \(s.targets.joined(separator: ", "))")
      for (name, value) in fixed.sorted(by: { $0.key < $1.key }) where !s.parameters.contains(where: { $0.name == name }) {
        print("\(name.padding(toLength: 18, withPad: " ", startingAt: 0)) fixed at \(Self.format(value)) (benchmark)")
      }
      print(String(format: "configurations (num_leaves ≤ 2^max_depth): %.6g", s.count(fixed: fixed)))
    }

    static func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.6g", x) }
  }
}
