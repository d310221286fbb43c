import Foundation
import Mining
import Testing

@testable import PostgresStore

/// A tiny study for `signal-miner mine` processes on PostgreSQL, and the checks every fault test ends with.
struct MiningFixture {
  let processes: ChildProcesses
  let url: String
  let directory: String
  /// Trees per model (the benchmark's; the space's are 0.8, 1 and 1.2 times this).
  let trees: Int

  /// Writes synthetic data and a small space of `trees`-tree models into `directory`.
  init(_ processes: ChildProcesses, study: String = TestPostgres.freshName("mine"), trees: Int = 80) throws {
    self.processes = processes
    self.trees = trees
    directory = processes.directory
    url = TestPostgres.study(study)
    let synth = try processes.run(
      "synth", ["data", "synth", "--out", "\(directory)/d", "--eras", "40", "--rows-per-era", "1000", "--features", "16",
                "--validation-eras", "10", "--seed", "4"])
    #expect(synth.status == 0, "\(synth.stderr)")
    try #"{"n_estimators": [\#(trees * 4 / 5), \#(trees), \#(trees * 6 / 5)], "learning_rate": [0.01, 0.02], "num_leaves": [16, 32], "colsample_bytree": [0.5, 1.0]}"#
      .write(toFile: "\(directory)/space.json", atomically: true, encoding: .utf8)
  }

  /// Trees per model for runs of ≈ 0.5 s in either build: the fault tests catch miners holding runs, and a
  /// study of 50 ms runs (release, 100 trees) was finished before the second miner was caught (CI).
  #if DEBUG
    static let halfSecondTrees = 100
  #else
    static let halfSecondTrees = 1000
  #endif

  /// `signal-miner mine` on the study with `trials` sampled configurations, one job.
  func mine(trials: Int) -> [String] {
    ["mine", "--study", url, "--data", "\(directory)/d_train.parquet", "--data", "\(directory)/d_validation.parquet",
     "--space", "\(directory)/space.json", "--trials", "\(trials)", "--jobs", "1", "--threads-per-job", "1", "--splits", "2",
     "--gap", "2", "--benchmark", "n_estimators=\(trees),learning_rate=0.01", "--seed", "3"]
  }

  /// The environment of a miner on host `host` with `lease`-second leases.
  static func worker(_ host: String, lease: Double) -> [String: String] {
    ["SIGNALMINER_HOST_ID": host, "SIGNALMINER_LEASE_SECONDS": "\(lease)"]
  }

  /// The study's store, once it exists (nil before).
  func store() -> PostgresStudyStore? { try? PostgresStudyStore.open(url: url) }

  func splitsDone() -> Int { (try? store()?.progress().splitsDone) ?? 0 }

  /// Every finished run's predictions, by [trial, split].
  func finishedPredictions() throws -> [[Int]: [Float]] {
    guard let store = store() else { return [:] }
    var out: [[Int]: [Float]] = [:]
    for run in try store.splitRuns() where run.state == .done {
      out[[run.trial, run.split]] = try store.predictions(trial: run.trial, split: run.split)
    }
    return out
  }

  /// SIGSTOPs `process` (a miner on `host`) while it holds a run, polling for at most `timeout` seconds; the run
  /// it holds, or nil (it is then left running).
  func stopWhileHolding(_ process: Process, host: String, timeout: TimeInterval = 120) throws -> SplitRun? {
    let deadline = Date().addingTimeInterval(timeout)
    var store: PostgresStudyStore?
    while Date() < deadline && process.isRunning {
      store = store ?? self.store()
      func held() throws -> SplitRun? {
        try store?.splitRuns().first { $0.state == .running && $0.owner?.hasPrefix("\(host):") == true }
      }
      if try held() != nil {
        kill(process.processIdentifier, SIGSTOP)
        // A completion the miner sent just before the stop still commits on the server: let it land first.
        usleep(200_000)
        if let run = try held() { return run }
        kill(process.processIdentifier, SIGCONT)
      }
      usleep(2_000)
    }
    return nil
  }

  /// Runs miners on fresh hosts until the study is finished: each pass waits out any live lease of a killed
  /// or stopped holder first (bounded).
  func finish(trials: Int, lease: Double, host: String) throws {
    for pass in 0..<3 {
      guard let progress = try store()?.progress(), progress.splitsDone < progress.splitsTotal || progress.total < trials + 1 else { return }
      usleep(UInt32((lease + 0.5) * 1_000_000))
      let run = try processes.run("\(host)-\(pass)", mine(trials: trials), environment: Self.worker("\(host)-\(pass)", lease: lease))
      #expect(run.status == 0, "\(run.stderr)")
    }
  }

  /// The checks a fault test ends with: every split done exactly once with predictions of its test fold's size;
  /// every run claimed again only after its holder's lease had ended (the claim log, by the database's clock);
  /// the results finished before the faults unchanged.
  func checkFinished(trials: Int, unchanged before: [[Int]: [Float]]) throws {
    let store = try PostgresStudyStore.open(url: url)
    let progress = try store.progress()
    #expect(progress.total == trials + 1 && progress.done == trials + 1 && progress.running == 0)
    #expect(progress.splitsDone == progress.splitsTotal && progress.splitsTotal == 2 * (trials + 1))
    let sizes = try store.layout().splitTargets.map(\.labels.count)
    for run in try store.splitRuns() {
      let predictions = try store.predictions(trial: run.trial, split: run.split)
      #expect(predictions?.count == sizes[run.split], "trial \(run.trial) split \(run.split)")
      #expect(run.claims >= 1)
    }
    for (key, predictions) in before {
      #expect(try store.predictions(trial: key[0], split: key[1]) == predictions, "finished split \(key) untouched")
    }
    let log = try claimLog(store)
    #expect(log.fromPending == progress.splitsTotal, "each run claimed from pending exactly once")
    #expect(log.notByExpiry.isEmpty, "runs taken while their lease was live: \(log.notByExpiry)")
    #expect(try store.splitRuns().map(\.claims).reduce(0, +) == log.fromPending + log.fromExpired, "every claim logged")
  }

  /// From the claim log: claims of pending runs (distinct runs), claims of expired runs, and any run taken
  /// from a holder whose lease had not ended.
  func claimLog(_ store: PostgresStudyStore) throws -> (fromPending: Int, fromExpired: Int, notByExpiry: [String]) {
    try store.session.run { db in
      let rows = try db.rows(
        """
        SELECT trial, split, reason, previous_owner, COALESCE(previous_lease_until < claimed_at, false)
        FROM signalminer.claim_log WHERE study = \(store.study)
        """
      ).map { try $0.decode((Int, Int, String, String?, Bool).self) }
      let pending = Set(rows.filter { $0.2 == "pending" }.map { [$0.0, $0.1] })
      #expect(pending.count == rows.filter { $0.2 == "pending" }.count, "no run claimed twice from pending")
      let live = rows.filter { $0.2 != "pending" && !($0.2 == "expired" && $0.4) }
        .map { "trial \($0.0) split \($0.1) from \($0.3 ?? "?") (\($0.2))" }
      return (pending.count, rows.filter { $0.2 == "expired" }.count, live)
    }
  }
}
