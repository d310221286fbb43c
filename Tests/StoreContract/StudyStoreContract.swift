import Boosting
import Foundation
import Scoring
import Synchronization
import TestSupport
import Testing

import Mining

/// The `StudyStore` contract as checks any store must pass; each store's suite runs them all on a fresh study
/// (a layout of two splits of three test rows, the benchmark stored as trial 1).
public struct StudyStoreContract: Sendable {
  /// Makes a fresh store holding `layout` (a second call with the same directory opens a second connection).
  let makeStore: @Sendable (TemporaryDirectory) throws -> any StudyStore

  public init(makeStore: @escaping @Sendable (TemporaryDirectory) throws -> any StudyStore) { self.makeStore = makeStore }

  public static let layout = StudyLayout(
    fingerprint: StudyFingerprint(files: ["x.parquet"], rows: 12, eras: 4, features: ["feature_a"]),
    splits: [EraSplit(trainEras: ["0001"], testEras: ["0002"]), EraSplit(trainEras: ["0001", "0002"], testEras: ["0003"])],
    splitTargets: [
      SplitTargets(eras: ["0002"], rowsPerEra: [3], labels: [0, 0.5, 1], ids: ["a", "b", "c"]),
      SplitTargets(eras: ["0003"], rowsPerEra: [3], labels: [1, 0.25, 0], ids: ["d", "e", "f"]),
    ],
    benchmarkParameters: BoostingParameters(), scoringTarget: "target")
  public static let benchmark = TrialConfiguration(values: ["num_leaves": 15], target: "target")
  public static func configuration(_ k: Int) -> TrialConfiguration { TrialConfiguration(values: ["num_leaves": Double(k)], target: "target") }
  public static let alice = StudyWorker(host: "host-a", pid: 101)
  public static let bob = StudyWorker(host: "host-b", pid: 202)

  func layoutRoundTripsAndTheBenchmarkIsTrialOne() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    #expect(try store.layout() == Self.layout)
    let trials = try store.trials()
    #expect(trials.count == 1 && trials[0].id == 1 && trials[0].isBenchmark && trials[0].configuration == Self.benchmark)
    #expect(trials[0].engine == "gbdt")
    #expect(try store.splitRuns().map(\.state) == [.pending, .pending])
  }

  func addingTrialsSkipsStoredOnesAndStopsAtTheLimit() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let first = try store.addTrials((2...4).map(Self.configuration), sampler: "uniform", engine: "gbdt", sampledLimit: 10)
    #expect(first == [2, 3, 4])
    let second = try store.addTrials((3...9).map(Self.configuration), sampler: "uniform", engine: "gbdt", sampledLimit: 5)
    #expect(second.count == 2, "3 and 4 are stored already; two more reach the limit of 5")
    #expect(try store.trials().filter { !$0.isBenchmark }.map(\.configuration) == [2, 3, 4, 5, 6].map(Self.configuration))
    #expect(try store.splitRuns().count == 12, "one pending run per split for each of 6 trials")
  }

  func claimsGoInOrderAndDoneIsAtomicWithItsPredictions() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let claim = try #require(try store.claim(for: Self.alice, lease: 60))
    #expect(claim == SplitClaim(trial: 1, split: 0, owner: "host-a:101"))
    #expect(try store.claim(for: Self.bob, lease: 60) == SplitClaim(trial: 1, split: 1, owner: "host-b:202"))
    #expect(try store.claim(for: Self.bob, lease: 60) == nil, "both runs are held under live leases")
    #expect(try store.predictions(trial: 1, split: 0) == nil)
    #expect(try store.complete(claim, predictions: [0.25, 0.5, 0.75], seconds: 2))
    #expect(try store.predictions(trial: 1, split: 0) == [0.25, 0.5, 0.75])
    let runs = try store.splitRuns()
    #expect(runs[0].state == .done && runs[0].owner == nil && runs[0].seconds == 2 && runs[0].claims == 1)
    #expect(runs[1].state == .running && runs[1].owner == "host-b:202" && runs[1].leaseUntil != nil)
    for state in TrialState.allCases {
      #expect(try store.splitRuns(status: state) == runs.filter { $0.state == state }, "the \(state) runs alone")
    }
    #expect(try store.progress() == StudyProgress(done: 0, total: 1, splitsDone: 1, splitsTotal: 2, running: 1, secondsTrained: 2))
    #expect(try !store.complete(claim, predictions: [0, 0, 0], seconds: 1), "a done run is never written again")
    #expect(try store.predictions(trial: 1, split: 0) == [0.25, 0.5, 0.75])
  }

  func aReleasedClaimIsPendingAgainAndOnlyItsOwnerReleasesIt() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let claim = try #require(try store.claim(for: Self.alice, lease: 60))
    try store.release(SplitClaim(trial: claim.trial, split: claim.split, owner: Self.bob.identity))
    #expect(try store.splitRuns()[0].state == .running, "bob cannot release alice's claim")
    try store.release(claim)
    #expect(try store.splitRuns()[0].state == .pending)
    #expect(try store.claim(for: Self.bob, lease: 60) == SplitClaim(trial: 1, split: 0, owner: "host-b:202"))
    #expect(try store.splitRuns()[0].claims == 2)
  }

  func anExpiredLeaseIsClaimedAgainAndTheFirstCompletionWins() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let held = try #require(try store.claim(for: Self.alice, lease: 0.05))
    _ = try store.claim(for: Self.alice, lease: 60)
    usleep(150_000)
    let taken = try #require(try store.claim(for: Self.bob, lease: 60))
    #expect(taken.trial == held.trial && taken.split == held.split && taken.owner == Self.bob.identity)
    #expect(try !store.heartbeat(held, lease: 60), "alice learns that the run is no longer hers")
    #expect(try store.complete(taken, predictions: [1, 2, 3], seconds: 1))
    #expect(try !store.complete(held, predictions: [9, 9, 9], seconds: 1))
    #expect(try store.predictions(trial: held.trial, split: held.split) == [1, 2, 3])
    #expect(try store.claimCounts()[[held.trial, held.split]] == 2)
  }

  func aHeartbeatRenewsTheLease() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let claim = try #require(try store.claim(for: Self.alice, lease: 0.2))
    _ = try store.claim(for: Self.alice, lease: 60)
    #expect(try store.heartbeat(claim, lease: 60))
    usleep(300_000)
    #expect(try store.claim(for: Self.bob, lease: 60) == nil, "the renewed lease outlives the first one")
  }

  func aDeadProcessOfThisHostIsReclaimedAtOnceButNotAnotherHosts() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let gone = StudyWorker(host: StudyWorker.current.host, pid: try Self.finishedProcessID())
    let elsewhere = StudyWorker(host: "far-away-host", pid: gone.pid)
    _ = try #require(try store.claim(for: elsewhere, lease: 600))
    _ = try #require(try store.claim(for: gone, lease: 600))
    let reclaimed = try #require(try store.claim(for: Self.bob, lease: 60))
    #expect(reclaimed == SplitClaim(trial: 1, split: 1, owner: Self.bob.identity), "the dead local process's run, not the other host's")
    #expect(try store.claim(for: Self.bob, lease: 60) == nil)
  }

  func twoWritersClaimEveryRunExactlyOnce() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let stores = [try makeStore(dir), try makeStore(dir)]
    _ = try stores[0].addTrials((2...11).map(Self.configuration), sampler: "uniform", engine: "gbdt", sampledLimit: 10)
    let workers = [Self.alice, Self.bob]
    let errors = Mutex<[String]>([])
    Self.onTwoThreads { w in
      do {
        while let claim = try stores[w].claim(for: workers[w], lease: 60) {
          try stores[w].complete(claim, predictions: [Double(w), 0, 0], seconds: 0)
          usleep(20_000)  // outside any transaction: the other writer (maybe in SQLite's busy backoff) gets in
        }
      } catch {
        errors.withLock { $0.append("\(error)") }
      }
    }
    #expect(errors.withLock { $0 } == [])
    let runs = try stores[1].splitRuns()
    #expect(runs.count == 22 && runs.allSatisfy { $0.state == .done && $0.claims == 1 })
    #expect(try stores[0].progress().done == 11)
    let byAlice = try runs.filter { try stores[0].predictions(trial: $0.trial, split: $0.split)?.first == 0 }.count
    #expect(byAlice > 0 && byAlice < 22, "both writers did work (alice \(byAlice) of 22)")
  }

  func twoWritersAddingAtOnceKeepTheLimit() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let stores = [try makeStore(dir), try makeStore(dir)]
    Self.onTwoThreads { w in
      for k in 0..<20 {
        _ = try? stores[w].addTrials([Self.configuration(100 * w + k)], sampler: "uniform", engine: "gbdt", sampledLimit: 25)
      }
    }
    #expect(try stores[0].trials().filter { !$0.isBenchmark }.count == 25)
  }

  func samplerStatesAreKeptByName() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    #expect(try store.samplerState("gfn") == nil)
    try store.saveSamplerState("gfn", [1, 2, 3])
    try store.saveSamplerState("gfn", [4, 5])
    try store.saveSamplerState("tpe", [6])
    #expect(try store.samplerState("gfn") == [4, 5] && store.samplerState("tpe") == [6])
  }

  func holdoutScoresAreKeptByName() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    func score(_ name: String, _ corr: Double) -> HoldoutScore {
      HoldoutScore(
        name: name, trial: nil, corr: corr, sharpe: 1, maxDrawdown: nil, mmc: nil, benchmarkCorrelation: nil, beatsBenchmark: false,
        perEraCorr: ["0050": corr])
    }
    #expect(try store.holdoutScores().isEmpty)
    try store.saveHoldoutScores([score("benchmark", 0.01), score("trial 2", 0.02)])
    try store.saveHoldoutScores([score("trial 2", 0.03)])
    #expect(try store.holdoutScores() == [score("benchmark", 0.01), score("trial 2", 0.03)])
  }

  func outOfFoldPredictionsJoinTheSplitsOnceAllAreDone() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let store = try makeStore(dir)
    let first = try #require(try store.claim(for: Self.alice, lease: 60))
    try store.complete(first, predictions: [0.5, 0.25, 1], seconds: 1)
    #expect(try store.outOfFoldPredictions(trial: 1, splitCount: 2) == nil)
    let second = try #require(try store.claim(for: Self.alice, lease: 60))
    try store.complete(second, predictions: [0, 0.75, 0.125], seconds: 1)
    #expect(try store.outOfFoldPredictions(trial: 1, splitCount: 2) == [0.5, 0.25, 1, 0, 0.75, 0.125])
  }

  /// Runs `body(0)` and `body(1)` on two threads of their own at once (a pool may run two work items in turn).
  static func onTwoThreads(_ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for w in 0..<2 {
      group.enter()
      Thread {
        body(w)
        group.leave()
      }.start()
    }
    group.wait()
  }

  /// The pid of a process that has exited (and been reaped), so no process has it for now.
  static func finishedProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  /// The contract's checks, by name (a store's suite runs each as its own test).
  public enum Check: String, CaseIterable, Sendable {
    case layoutRoundTripsAndTheBenchmarkIsTrialOne
    case addingTrialsSkipsStoredOnesAndStopsAtTheLimit
    case claimsGoInOrderAndDoneIsAtomicWithItsPredictions
    case aReleasedClaimIsPendingAgainAndOnlyItsOwnerReleasesIt
    case anExpiredLeaseIsClaimedAgainAndTheFirstCompletionWins
    case aHeartbeatRenewsTheLease
    case aDeadProcessOfThisHostIsReclaimedAtOnceButNotAnotherHosts
    case twoWritersClaimEveryRunExactlyOnce
    case twoWritersAddingAtOnceKeepTheLimit
    case samplerStatesAreKeptByName
    case holdoutScoresAreKeptByName
    case outOfFoldPredictionsJoinTheSplitsOnceAllAreDone
  }

  public func run(_ check: Check) throws {
    switch check {
    case .layoutRoundTripsAndTheBenchmarkIsTrialOne: try layoutRoundTripsAndTheBenchmarkIsTrialOne()
    case .addingTrialsSkipsStoredOnesAndStopsAtTheLimit: try addingTrialsSkipsStoredOnesAndStopsAtTheLimit()
    case .claimsGoInOrderAndDoneIsAtomicWithItsPredictions: try claimsGoInOrderAndDoneIsAtomicWithItsPredictions()
    case .aReleasedClaimIsPendingAgainAndOnlyItsOwnerReleasesIt: try aReleasedClaimIsPendingAgainAndOnlyItsOwnerReleasesIt()
    case .anExpiredLeaseIsClaimedAgainAndTheFirstCompletionWins: try anExpiredLeaseIsClaimedAgainAndTheFirstCompletionWins()
    case .aHeartbeatRenewsTheLease: try aHeartbeatRenewsTheLease()
    case .aDeadProcessOfThisHostIsReclaimedAtOnceButNotAnotherHosts: try aDeadProcessOfThisHostIsReclaimedAtOnceButNotAnotherHosts()
    case .twoWritersClaimEveryRunExactlyOnce: try twoWritersClaimEveryRunExactlyOnce()
    case .twoWritersAddingAtOnceKeepTheLimit: try twoWritersAddingAtOnceKeepTheLimit()
    case .samplerStatesAreKeptByName: try samplerStatesAreKeptByName()
    case .holdoutScoresAreKeptByName: try holdoutScoresAreKeptByName()
    case .outOfFoldPredictionsJoinTheSplitsOnceAllAreDone: try outOfFoldPredictionsJoinTheSplitsOnceAllAreDone()
    }
  }
}
