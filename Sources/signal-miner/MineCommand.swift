import ArgumentParser
import Foundation
import Mining
import NumeraiData
import Scoring
import Synchronization

/// Set by SIGINT; mining stops after giving back its claimed runs.
nonisolated(unsafe) var interruptRequested = false

/// `signal-miner mine`: sample configurations, cross-validate them era-wise, keep everything in a study.
struct MineCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mine", abstract: "Mine configurations into a study (resumable; several processes may share one study).")

  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name; created on first use, resumed after.") var study: String
  @OptionGroup var data: DataOptions
  @Option(help: "Search space JSON (default: the Signal Miner notebook's).") var space: String?
  @Option(help: "Sampler: uniform, gfn (a GFlowNet that learns from finished trials) or tpe (Optuna's TPE, rewarded like gfn).")
  var sampler = "uniform"
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
  @Option(
    help: "Multi-fidelity over --sampler's proposals: none, halving (successive halving) or hyperband (brackets of several starting fidelities); cheap trials train fewer trees at a higher learning rate.")
  var pruner = "none"
  @Option(help: "halving/hyperband: keep the best 1/eta of each rung for the next fidelity.") var eta = 3
  @Option(name: .customLong("min-fidelity"), help: "halving/hyperband: the lowest fidelity (rungs at eta^-i down to it).")
  var minFidelity = 1.0 / 9
  @Option(help: "Configurations to sample (besides the benchmark), every fidelity counted.") var trials = 100
  @Option(
    name: .customLong("cpu-budget"),
    help: "Stop proposing once the study's split runs have trained this many seconds in all (what is proposed is finished); give it again when resuming.")
  var cpuBudget: Double?
  @Option(help: "Splits trained at the same time.") var jobs = 1
  @Option(name: .customLong("threads-per-job"), help: "Threads per job (default: cores / jobs).") var threadsPerJob: Int?
  @Option(help: "TimeSeriesSplit n_splits over the eras.") var splits = 2
  @Option(help: "Eras between train and test.") var gap = 12
  @Option(help: "example, deep, or name=value,… over the example.") var benchmark = "example"
  @Option(help: "Seed of the sampler.") var seed: UInt64 = 0
  @Option(
    name: .customLong("sealed-eras"),
    help: "Keep the last N labelled eras out of every split, reward and ranking (score them later with `holdout`).")
  var sealedEras: Int?
  @Option(name: .customLong("sealed-from"), help: "Seal the labelled eras from this era on (instead of --sealed-eras).")
  var sealedFrom: String?

  func validate() throws {
    if sealedEras != nil && sealedFrom != nil { throw ValidationError("give --sealed-eras or --sealed-from, not both") }
    // Checked again by SuccessiveHalvingSampler; here so a typo fails before the data is read.
    guard eta >= 2 else { throw ValidationError("--eta \(eta): expected an integer ≥ 2") }
    guard TrialConfiguration.isValidFidelity(minFidelity) else {
      throw ValidationError("--min-fidelity \(minFidelity): expected a number in (0, 1]")
    }
  }

  func run() async throws {
    let recipe = samplerRecipe()
    _ = try recipe.trialReward()
    guard jobs >= 1 else { throw MiningError("--jobs \(jobs): expected at least 1") }
    if let cpuBudget, !(cpuBudget.isFinite && cpuBudget > 0) {
      throw MiningError("--cpu-budget \(cpuBudget): expected a number of seconds > 0")
    }
    let dataset = try data.load().dataset
    let fixed = try BenchmarkPresets.parse(benchmark)
    let searchSpace = try SearchSpace.load(space, availableTargets: dataset.targetNames)
    var chosen = try recipe.make(space: searchSpace, fixed: fixed)
    let mainTarget = dataset.targetNames.contains("target") ? "target" : dataset.targetNames.first ?? "target"
    for warning in try MiningDataCheck.check(dataset, target: mainTarget, source: data.paths.joined(separator: ", ")) {
      Console.warn(warning)
    }
    let sealed = try sealedEras.map { try SealedEras.last($0, of: dataset, target: mainTarget) }
      ?? sealedFrom.map { try SealedEras.from($0, of: dataset, target: mainTarget) } ?? []
    let eras = SealedEras.open(dataset.eras, sealed: sealed)
    let store = try Study.create(
      study, dataset: dataset, files: data.paths, splits: try TimeSeriesSplit(nSplits: splits, gap: gap).splits(eras: eras),
      benchmark: TrialConfiguration(values: fixed, target: mainTarget), sealedEras: sealed)
    signal(SIGINT) { _ in interruptRequested = true }
    let progress = ProgressPrinter(tracker: try ProgressTracker(study: store, cpuBudget: cpuBudget))
    progress.report()
    let stopped = try store.optimize(
      dataset: dataset, sampler: &chosen,
      budget: MiningBudget(
        trials: trials, jobs: jobs, threadsPerJob: threadsPerJob ?? max(1, data.threads / jobs), cpuSeconds: cpuBudget),
      shouldStop: { interruptRequested }, onSplitFinished: { _ in progress.report() })
    progress.finish(interrupted: stopped)
    if stopped { throw ExitCode(130) }
  }

  /// The sampler the options describe.
  func samplerRecipe() -> SamplerRecipe {
    var r = SamplerRecipe()
    (r.sampler, r.reward, r.rewardPeriod, r.beta, r.batch) = (sampler, reward, rewardPeriod, beta, batch)
    (r.uniqueness, r.rewardCap, r.diversityPool, r.seed) = (uniqueness, rewardCap, diversityPool, seed)
    (r.pruner, r.eta, r.minFidelity) = (pruner, eta, minFidelity)
    return r
  }
}

/// The live progress line on a terminal (redrawn after every split), or one log line per finished trial otherwise.
final class ProgressPrinter: Sendable {
  let tracker: ProgressTracker
  /// One line at a time from the worker threads; the trials done at the last logged line.
  private let printing = Mutex(-1)

  init(tracker: ProgressTracker) { self.tracker = tracker }

  func report() {
    printing.withLock { lastLoggedDone in
      guard let line = tracker.line() else { return }
      if Console.isTerminal {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line.text)".utf8))
      } else if line.done != lastLoggedDone {
        lastLoggedDone = line.done
        Console.log(line.text)
      }
    }
  }

  func finish(interrupted: Bool) {
    if Console.isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    if interrupted { Console.log("stopped: claimed splits were given back; run the same command to resume") }
  }
}

/// `signal-miner progress`: how far a study is, any time (also while mining runs).
struct ProgressCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "progress", abstract: "Show a study's progress.")
  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name.") var study: String
  @Flag(help: "One JSON object.") var json = false
  @Option(name: .customLong("cpu-budget"), help: "The mining's --cpu-budget, to show the seconds trained against it.")
  var cpuBudget: Double?

  func run() async throws {
    let p = try Study.open(study).store.progress()
    if json {
      var object: [String: Any] = [
        "done": p.done, "total": p.total, "splits_done": p.splitsDone, "splits_total": p.splitsTotal,
        "running": p.running, "seconds_trained": p.secondsTrained,
      ]
      if let cpuBudget { object["cpu_budget"] = cpuBudget }
      print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    } else {
      print(String(format: "Progress: %d/%d trials (%.2f%%), %d/%d splits, %d running", p.done, p.total,
                   p.total == 0 ? 0 : 100 * Double(p.done) / Double(p.total), p.splitsDone, p.splitsTotal, p.running)
            + (cpuBudget.map { String(format: ", %.0f/%.0f s trained", p.secondsTrained, $0) } ?? ""))
    }
  }
}

/// `signal-miner results`: per-trial scores, the benchmark flagged.
struct ResultsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "results", abstract: "Score every trial of a study.")
  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name.") var study: String
  @Flag(name: .customLong("better-than-benchmark"), help: "Only trials whose whole corr and Sharpe beat the benchmark's.")
  var betterThanBenchmark = false
  @Option(help: "Sort key (descending), e.g. whole_sharpe.") var sort = "whole_sharpe"
  @Option(help: "At most this many rows.") var limit: Int?
  @Flag(help: "JSON array.") var json = false
  @Flag(help: "CSV.") var csv = false
  @Flag(
    name: .customLong("all-fidelities"),
    help: "Also the cheap evaluations of --pruner halving/hyperband (fidelity < 1, marked; never beaters).")
  var allFidelities = false
  @Option(name: .customLong("meta-model"), help: "Meta-model predictions by id (e.g. meta_model.parquet): MMC against them instead of the benchmark.")
  var metaModel: String?
  @Option(name: .customLong("meta-column"), help: "The meta-model column (default numerai_meta_model or the only one).")
  var metaColumn: String?

  func validate() throws {
    if metaColumn != nil && metaModel == nil { throw ValidationError("--meta-column needs --meta-model") }
  }

  func run() async throws {
    let store = try Study.open(study)
    let key = try TrialResultTable.score(named: sort, option: "--sort")
    var table = TrialResultTable(
      try store.results(metaModel: try metaModel.map { try metaModelValues($0, store) }, allFidelities: allFidelities))
    if betterThanBenchmark { table = table.beatersAndBenchmark() }
    table = table.sorted(by: key).prefix(limit)
    print(json ? try table.json() : csv ? table.csv() : table.text())
  }
}

extension ResultsCommand {
  /// The meta model's value for each out-of-fold row of each split (NaN where the file has none).
  /// - Throws: when an id repeats, the study keeps no ids, or no out-of-fold row has a meta-model value.
  func metaModelValues(_ path: String, _ store: Study) throws -> [[Double]] {
    let table = try PredictionTable(path: path)
    let column = try table.column(metaColumn)
    var byID: [String: Double] = [:]
    byID.reserveCapacity(table.ids.count)
    for (k, id) in table.ids.enumerated() {
      guard byID.updateValue(column[k], forKey: id) == nil else {
        throw DataError(path: path, column: "id", "id '\(id)' appears twice, expected each id once")
      }
    }
    let (values, found, total) = try store.metaModelValues(byID: byID, source: path)
    if found < total {
      FileHandle.standardError.write(Data("note: \(path) covers \(found) of the \(total) out-of-fold rows; MMC uses those\n".utf8))
    }
    return values
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
      let s = try SearchSpace.load(space, availableTargets: targets)
      let fixed = try BenchmarkPresets.parse(benchmark)
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
