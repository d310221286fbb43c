import Boosting
import Foundation
import Scoring

/// Where a study lives: its layout, trials, split runs, out-of-fold predictions and sampler state.
///
/// The contract every store keeps (`SQLiteStudyStore` here; `PostgresStudyStore` in `PostgresStore`), checked by the same
/// contract tests (`StudyStoreContract` in the `StoreContract` test target):
/// - **Atomic**: `addTrials` (the new trials and one pending run per split, capped at `sampledLimit`),
///   `claim` (one pending or abandoned run becomes this worker's), `complete` (the predictions and the `done`
///   state are written together: a run is done exactly when its predictions are stored).
/// - **Claims are leases.** A claimed run belongs to its worker until `leaseUntil`; `heartbeat` renews the
///   lease while the worker trains. A run whose lease has expired may be claimed by any worker on any host.
///   On the owner's own host a store may also reclaim at once a run whose owner process is gone (a fast path,
///   never the only rule).
/// - **First completion wins.** `complete` stores nothing for a run already done, so a worker that lost its
///   lease but finished anyway cannot overwrite a result; it learns so from the returned `false`.
/// - **Layout is immutable.** Written once by the creating call; every later call reads it.
public protocol StudyStore: AnyObject, Sendable {
  /// The path or URL, for messages.
  var location: String { get }
  /// What was fixed when the study was created.
  func layout() throws -> StudyLayout
  /// Every trial, by id (the benchmark is trial 1).
  func trials() throws -> [StoredTrial]
  /// Stores configurations (each with a pending run per split) before any is trained, skipping those already
  /// stored and stopping when the study holds `sampledLimit` sampled (non-benchmark) trials; returns the new ids.
  func addTrials(_ configurations: [TrialConfiguration], sampler: String, engine: String, sampledLimit: Int) throws -> [Int]
  /// Claims the next run to train (lowest trial first): a pending one, else one whose lease expired.
  func claim(for worker: StudyWorker, lease: TimeInterval) throws -> SplitClaim?
  /// Renews a claim's lease; false when the run is no longer this claim's (done, or claimed again).
  @discardableResult func heartbeat(_ claim: SplitClaim, lease: TimeInterval) throws -> Bool
  /// Gives a claimed run back (a clean stop): it becomes pending again.
  func release(_ claim: SplitClaim) throws
  /// Stores a run's out-of-fold predictions (as Float16) and marks it done, in one transaction; false (and
  /// nothing stored) when the run was already done.
  @discardableResult func complete(_ claim: SplitClaim, predictions: [Double], seconds: Double) throws -> Bool
  /// The stored out-of-fold predictions of a done run.
  func predictions(trial: Int, split: Int) throws -> [Float]?
  /// Saves a sampler's learned state under its name.
  func saveSamplerState(_ name: String, _ bytes: [UInt8]) throws
  /// A sampler's saved state, if any.
  func samplerState(_ name: String) throws -> [UInt8]?
  /// Keeps `holdout`'s sealed-era scores, replacing earlier ones of the same names.
  func saveHoldoutScores(_ scores: [HoldoutScore]) throws
  /// The sealed-era scores kept so far, by name.
  func holdoutScores() throws -> [HoldoutScore]
  /// The split runs in `status` (every run when nil) with their bookkeeping, by trial and split.
  func splitRuns(status: TrialState?) throws -> [SplitRun]
  /// Counts for `progress`.
  func progress() throws -> StudyProgress
}

extension StudyStore {
  /// Every split run's state and bookkeeping.
  public func splitRuns() throws -> [SplitRun] { try splitRuns(status: nil) }

  /// A trial's out-of-fold predictions over all splits, in split order; nil unless every split is done.
  public func outOfFoldPredictions(trial: Int, splitCount: Int) throws -> [Float]? {
    var out: [Float] = []
    for split in 0..<splitCount {
      guard let p = try predictions(trial: trial, split: split) else { return nil }
      out += p
    }
    return out
  }

  /// How many times each run was claimed, by [trial, split]: 1 everywhere unless a worker died or stopped.
  public func claimCounts() throws -> [[Int]: Int] {
    Dictionary(uniqueKeysWithValues: try splitRuns().map { ([$0.trial, $0.split], $0.claims) })
  }
}

/// The state of a trial or of one of its split runs.
public enum TrialState: String, Sendable, Codable, CaseIterable {
  case pending, running, done
}

/// A trial as stored: id, configuration, sampler, engine, benchmark flag.
public struct StoredTrial: Sendable, Equatable {
  public let id: Int
  public let configuration: TrialConfiguration
  public let sampler: String
  /// The `ModelTrainer.engine` that trains it.
  public let engine: String
  public let isBenchmark: Bool

  public init(id: Int, configuration: TrialConfiguration, sampler: String, engine: String, isBenchmark: Bool) {
    self.id = id
    self.configuration = configuration
    self.sampler = sampler
    self.engine = engine
    self.isBenchmark = isBenchmark
  }
}

/// One split run of a trial as stored.
public struct SplitRun: Sendable, Equatable {
  public var trial: Int
  public var split: Int
  public var state: TrialState
  /// The worker holding it while running.
  public var owner: String?
  /// When its lease ends (seconds since 1970) while running.
  public var leaseUntil: Double?
  /// Training time of a done run.
  public var seconds: Double?
  /// How many times it was claimed.
  public var claims: Int

  public init(trial: Int, split: Int, state: TrialState, owner: String?, leaseUntil: Double?, seconds: Double?, claims: Int) {
    self.trial = trial
    self.split = split
    self.state = state
    self.owner = owner
    self.leaseUntil = leaseUntil
    self.seconds = seconds
    self.claims = claims
  }
}

/// A worker's hold on one split run.
public struct SplitClaim: Sendable, Equatable {
  public var trial: Int
  public var split: Int
  /// The claiming worker's identity (`StudyWorker.identity`).
  public var owner: String

  public init(trial: Int, split: Int, owner: String) {
    self.trial = trial
    self.split = split
    self.owner = owner
  }
}

/// Who claims runs: a host and a process (the identity stored as `owner`).
public struct StudyWorker: Sendable, Equatable {
  public var host: String
  public var pid: Int32

  public init(host: String, pid: Int32) {
    self.host = host
    self.pid = pid
  }

  /// This process: the host name (or `SIGNALMINER_HOST_ID`, which names a worker's host in tests and on
  /// machines whose host names collide) and the pid.
  public static let current: StudyWorker = {
    if let host = ProcessInfo.processInfo.environment["SIGNALMINER_HOST_ID"], !host.isEmpty, !host.contains(":") {
      return StudyWorker(host: host, pid: getpid())
    }
    var name = [UInt8](repeating: 0, count: 256)
    gethostname(&name, 255)
    return StudyWorker(host: String(decoding: name.prefix { $0 != 0 }, as: UTF8.self), pid: getpid())
  }()

  /// `host:pid`.
  public var identity: String { "\(host):\(pid)" }

  /// The worker an identity names, when it has the `host:pid` form.
  public init?(identity: String) {
    let parts = identity.split(separator: ":")
    guard parts.count == 2, let pid = Int32(parts[1]) else { return nil }
    self.init(host: String(parts[0]), pid: pid)
  }

  /// Whether this worker is a process of this host that no longer exists (the fast path for reclaiming).
  public var isGoneFromThisHost: Bool {
    host == StudyWorker.current.host && kill(pid, 0) != 0 && errno == ESRCH
  }
}

/// Counts for `progress`.
public struct StudyProgress: Sendable, Codable, Equatable {
  public var done: Int
  public var total: Int
  public var splitsDone: Int
  public var splitsTotal: Int
  public var running: Int
  public var secondsTrained: Double

  public init(done: Int, total: Int, splitsDone: Int, splitsTotal: Int, running: Int, secondsTrained: Double) {
    self.done = done
    self.total = total
    self.splitsDone = splitsDone
    self.splitsTotal = splitsTotal
    self.running = running
    self.secondsTrained = secondsTrained
  }
}
