import Foundation
import Mining
import TestSupport
import Testing

@testable import PostgresStore

extension PostgresServerTests {
  /// `signal-miner mine` processes on one PostgreSQL study, under faults: miners killed, the server restarted,
  /// backends terminated, a stopped miner's lease expiring. Every wait is bounded and every process is SIGKILLed
  /// when the test ends, whatever happened. Each ends with `MiningFixture.checkFinished`.
  @Suite struct Faults {
    static let lease = 2.0
    static let trials = 12

    @Test func fourMinersTwoKilledThenRestartedFinishEverySplitOnce() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes, trees: MiningFixture.halfSecondTrees)
      // The first miner creates the study; the others join it once it exists.
      var miners = [try processes.start("host-1", study.mine(trials: Self.trials), environment: MiningFixture.worker("host-1", lease: Self.lease))]
      #expect(eventually(within: 60) { study.splitsDone() >= 1 }, "the study exists and a split is done")
      miners += try (2...4).map {
        try processes.start("host-\($0)", study.mine(trials: Self.trials), environment: MiningFixture.worker("host-\($0)", lease: Self.lease))
      }
      #expect(eventually(within: 120) { study.splitsDone() >= 2 }, "two splits done within two minutes")
      // Each victim is stopped while it holds a run, then killed: its run is orphaned under a live lease.
      var orphaned: [SplitRun] = []
      for (k, miner) in miners.prefix(2).enumerated() {
        let held = try study.stopWhileHolding(miner, host: "host-\(k + 1)")
        #expect(held != nil, "host-\(k + 1) was caught holding a run: \(processes.output("host-\(k + 1)", "err"))")
        kill(miner.processIdentifier, SIGKILL)
        processes.wait(miner, timeout: 10)
        if let held { orphaned.append(held) }
      }
      let before = try study.finishedPredictions()
      let restarted = try (5...6).map {
        try processes.start("host-\($0)", study.mine(trials: Self.trials), environment: MiningFixture.worker("host-\($0)", lease: Self.lease))
      }
      for miner in miners.suffix(2) + restarted {
        #expect(processes.wait(miner, timeout: 180) == 0, "a surviving or restarted miner ends cleanly")
      }
      try study.finish(trials: Self.trials, lease: Self.lease, host: "host-final")
      try study.checkFinished(trials: Self.trials, unchanged: before)
      let runs = try #require(study.store()).splitRuns()
      for run in orphaned {
        #expect(runs.first { $0.trial == run.trial && $0.split == run.split }?.claims == 2, "the orphaned run was taken over once")
      }
    }

    @Test func restartingTheServerMidRunMinersRetryAndCarryOn() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes, trees: MiningFixture.halfSecondTrees)
      let miners = try (1...2).map {
        try processes.start("host-\($0)", study.mine(trials: Self.trials), environment: MiningFixture.worker("host-\($0)", lease: 30))
      }
      #expect(eventually(within: 120) { study.splitsDone() >= 2 }, "two splits done within two minutes")
      // Both are held mid-run (stopped while holding a run) across the restart, so both meet a dead connection.
      for (k, miner) in miners.enumerated() {
        #expect(try study.stopWhileHolding(miner, host: "host-\(k + 1)") != nil, "host-\(k + 1) caught holding a run")
      }
      let before = try study.finishedPredictions()
      let restart = try processes.run("restart", executable: TestPostgres.script, ["restart"], timeout: 60)
      #expect(restart.status == 0, "\(restart.stderr)")
      for miner in miners { kill(miner.processIdentifier, SIGCONT) }
      for (k, miner) in miners.enumerated() {
        #expect(processes.wait(miner, timeout: 180) == 0, "miner \(k + 1) carried on: \(processes.output("host-\(k + 1)", "err"))")
      }
      try study.checkFinished(trials: Self.trials, unchanged: before)
    }

    @Test func terminatedBackendsAreReconnectedAndMiningCarriesOn() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes, trees: MiningFixture.halfSecondTrees)
      let miners = try (1...2).map {
        try processes.start("cut-\($0)", study.mine(trials: Self.trials), environment: MiningFixture.worker("cut-\($0)", lease: 30))
      }
      #expect(eventually(within: 120) { study.splitsDone() >= 2 }, "two splits done within two minutes")
      // Both are stopped while holding a run, their backends terminated, then let go on.
      for (k, miner) in miners.enumerated() {
        #expect(try study.stopWhileHolding(miner, host: "cut-\(k + 1)") != nil, "cut-\(k + 1) caught holding a run")
      }
      let before = try study.finishedPredictions()
      let terminated = try Self.terminateBackends(named: "signal-miner cut-%", via: try #require(study.store()))
      #expect(terminated == 2, "each miner's one connection was cut (\(terminated))")
      for miner in miners { kill(miner.processIdentifier, SIGCONT) }
      for (k, miner) in miners.enumerated() {
        #expect(processes.wait(miner, timeout: 180) == 0, "miner \(k + 1) carried on: \(processes.output("cut-\(k + 1)", "err"))")
      }
      try study.checkFinished(trials: Self.trials, unchanged: before)
    }

    @Test func aMinerWhoseLeaseExpiredHasItsLateResultRefused() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes, trees: MiningFixture.halfSecondTrees)
      let late = try processes.start("late", study.mine(trials: Self.trials), environment: MiningFixture.worker("late", lease: Self.lease))
      let held = try study.stopWhileHolding(late, host: "late")
      try #require(held != nil, "the miner was stopped holding a run")
      usleep(UInt32((Self.lease + 0.5) * 1_000_000))
      let other = try processes.run("other", study.mine(trials: Self.trials), environment: MiningFixture.worker("other", lease: Self.lease), timeout: 180)
      #expect(other.status == 0, "\(other.stderr)")
      let before = try study.finishedPredictions()
      #expect(before.count == 2 * (Self.trials + 1), "the other miner finished every run, the stopped one's too")
      kill(late.processIdentifier, SIGCONT)
      #expect(processes.wait(late, timeout: 60) == 0)
      let run = try #require(held)
      #expect(
        processes.output("late", "err").contains("note: trial \(run.trial) split \(run.split) was claimed by another worker after this one's lease expired; this result is discarded"),
        "\(processes.output("late", "err"))")
      let store = try #require(study.store())
      #expect(try store.splitRuns().first { $0.trial == run.trial && $0.split == run.split }?.claims == 2)
      try study.checkFinished(trials: Self.trials, unchanged: before)
    }

    /// Terminates the backends whose application_name is LIKE `pattern`; how many.
    static func terminateBackends(named pattern: String, via store: PostgresStudyStore) throws -> Int {
      try store.session.run { db in
        try db.rows(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE \(pattern) AND pid != pg_backend_pid()"
        ).count
      }
    }
  }
}
