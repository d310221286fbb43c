import Foundation
import NumeraiData
import Scoring
import Synchronization

/// Trains a study's split runs, `jobs` at a time, until none is left to claim or a stop is requested, storing
/// each finished run at once.
///
/// Any number of miners (threads here, processes, hosts) can work on one study: each run is claimed as a lease
/// before training (`StudyStore`), renewed by a heartbeat while training, so none is trained twice and none is
/// lost; a run whose lease expired is claimed again. Stopping gives the claimed runs back.
final class Miner: Sendable {
  let study: Study
  let stages: FeatureStages
  let trainer: any ModelTrainer
  let worker: StudyWorker
  private let trainRows: [[Int]]
  private let testRows: [[Int]]
  /// How long a claim lasts without a heartbeat (120 s, or `SIGNALMINER_LEASE_SECONDS`), and how often a
  /// training renews it (a quarter of that, at most every 10 s).
  static let lease: TimeInterval = {
    guard let text = ProcessInfo.processInfo.environment["SIGNALMINER_LEASE_SECONDS"], let seconds = Double(text),
      seconds.isFinite, seconds > 0
    else { return 120 }
    return seconds
  }()
  static let heartbeatInterval: TimeInterval = min(10, lease / 4)

  init(study: Study, dataset: Dataset, trainer: any ModelTrainer, worker: StudyWorker = .current) throws {
    self.study = study
    self.trainer = trainer
    self.worker = worker
    stages = FeatureStages(dataset: dataset)
    func rows(_ eras: [String]) throws -> [Int] {
      try dataset.rows(ofEras: eras.map { label in
        guard let e = dataset.eraIndex(of: label) else { throw MiningError("the data has no era \(label) of the study's splits") }
        return e
      })
    }
    trainRows = try study.layout.splits.map { try rows($0.trainEras) }
    testRows = try study.layout.splits.map { try rows($0.testEras) }
  }

  /// Trains until every run of every stored trial is done or `shouldStop` turns true; `finished` is called
  /// after each stored run.
  func run(
    jobs: Int, threads: Int, shouldStop: @escaping @Sendable () -> Bool, finished: @escaping @Sendable (SplitClaim) -> Void
  ) throws {
    let trials = TrialCache(store: study.store)
    let failure = Mutex<(any Error)?>(nil)
    DispatchQueue.concurrentPerform(iterations: max(1, jobs)) { _ in
      while !shouldStop() && failure.withLock({ $0 == nil }) {
        do {
          guard let claim = try study.store.claim(for: worker, lease: Self.lease) else { return }
          if try train(claim, trial: try trials.trial(claim.trial), threads: threads, shouldStop: shouldStop) { finished(claim) }
        } catch {
          failure.withLock { if $0 == nil { $0 = error } }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
  }

  /// Trains one claimed run and stores its predictions; gives the claim back and returns false if stopped.
  private func train(_ claim: SplitClaim, trial: StoredTrial, threads: Int, shouldStop: @escaping @Sendable () -> Bool) throws
    -> Bool
  {
    let start = Date()
    let dataset = try stages.stage(trial.configuration.features).dataset
    guard dataset.targetIndex(named: trial.configuration.target) != nil else {
      throw MiningError("trial \(trial.id) trains on target '\(trial.configuration.target)', which the data lacks")
    }
    do {
      let training = try AugmentedTraining.rows(dataset, trainRows: trainRows[claim.split], configuration: trial.configuration)
      let model = try trainer.fit(
        training, configuration: trial.configuration, threads: threads,
        shouldStop: heartbeating(claim, shouldStop))
      let predictions = try model.predict(dataset, rows: testRows[claim.split], threads: threads)
      guard try study.store.complete(claim, predictions: predictions, seconds: Date().timeIntervalSince(start)) else {
        FileHandle.standardError.write(Data(
          "note: trial \(claim.trial) split \(claim.split) was claimed by another worker after this one's lease expired; this result is discarded\n".utf8))
        return false
      }
      return true
    } catch is CancellationError {
      try study.store.release(claim)
      return false
    }
  }

  /// `shouldStop` that also renews the claim's lease every `heartbeatInterval` seconds.
  private func heartbeating(_ claim: SplitClaim, _ shouldStop: @escaping @Sendable () -> Bool) -> @Sendable () -> Bool {
    let lastBeat = Mutex(Date())
    let store = study.store
    return {
      let due = lastBeat.withLock { last in
        guard Date().timeIntervalSince(last) > Self.heartbeatInterval else { return false }
        last = Date()
        return true
      }
      if due { _ = try? store.heartbeat(claim, lease: Self.lease) }
      return shouldStop()
    }
  }
}

/// The study's trials by id, read again when a claim names one stored after the last read (by another miner).
private final class TrialCache: Sendable {
  let store: any StudyStore
  private let trials = Mutex<[Int: StoredTrial]>([:])

  init(store: any StudyStore) { self.store = store }

  func trial(_ id: Int) throws -> StoredTrial {
    try trials.withLock { trials in
      if let trial = trials[id] { return trial }
      trials = Dictionary(uniqueKeysWithValues: try store.trials().map { ($0.id, $0) })
      guard let trial = trials[id] else { throw MiningError("\(store.location): a run names trial \(id), which is not stored") }
      return trial
    }
  }
}

extension SplitRun {
  /// When the run's worker last claimed or renewed it (seconds since 1970): its lease end less the lease
  /// miners take. Nil unless it is running.
  public var lastHeartbeat: Double? { state == .running ? leaseUntil.map { $0 - Miner.lease } : nil }
}
