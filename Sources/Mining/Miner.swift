import Boosting
import Foundation
import NumeraiData
import Scoring

/// Runs a mining study: keeps `trials` sampled configurations (plus the benchmark) stored, and trains their
/// splits `jobs` at a time until none is left, storing each finished split at once.
///
/// Any number of miners (threads here, or other processes) can run on one study: each split is claimed in a
/// transaction before training, so none is trained twice and none is lost; a split whose owner died is
/// claimed again. Stopping (`shouldStop`) gives the claimed splits back.
public final class Miner: @unchecked Sendable {
  public let dataset: Dataset
  public let study: Study
  public let splits: [EraSplit]
  private let trainRows: [[Int]]
  private let testRows: [[Int]]
  private let base: BoostingParameters

  public init(dataset: Dataset, study: Study) throws {
    self.dataset = dataset
    self.study = study
    splits = try study.splits()
    base = try study.benchmarkParameters()
    func rows(_ eras: [String]) throws -> [Int] {
      try dataset.rows(ofEras: eras.map { label in
        guard let e = dataset.eraIndex(of: label) else { throw MiningError("the data has no era \(label) of the study's splits") }
        return e
      })
    }
    trainRows = try splits.map { try rows($0.trainEras) }
    testRows = try splits.map { try rows($0.testEras) }
  }

  /// The study's split layout for new studies: the test rows' eras, counts, ids and scoring labels.
  public static func splitTargets(dataset: Dataset, splits: [EraSplit], target: Int) -> [SplitTargets] {
    splits.map { split in
      let eras = split.testEras.compactMap { dataset.eraIndex(of: $0) }
      let rows = dataset.rows(ofEras: eras)
      let labels = dataset.targets.withUnsafeColumn(target) { column in rows.map { column[$0] } }
      return SplitTargets(
        eras: eras.map { dataset.eras[$0] }, rowsPerEra: eras.map { dataset.eraRanges[$0].count },
        labels: labels, ids: rows.map { dataset.ids[$0] })
    }
  }

  /// Tops the study up to `trials` sampled configurations (stored before any is trained, so a resumed run
  /// trains the same ones).
  public func sample(_ trials: Int, with sampler: inout some ConfigurationSampler) throws {
    let existing = try study.trials()
    let sampled = existing.filter { !$0.isBenchmark }.count
    guard sampled < trials else { return }
    let new = sampler.propose(trials - sampled, existing: Set(existing.map(\.configuration)))
    try study.add(new, sampler: sampler.name)
  }

  /// Trains one claimed split; returns false if stopped.
  func train(trial: Int, split: Int, configuration: TrialConfiguration, threads: Int, shouldStop: @escaping @Sendable () -> Bool) throws -> Bool {
    let parameters = try configuration.parameters(over: base)
    guard let target = dataset.targetIndex(named: configuration.target) else {
      throw MiningError("trial \(trial) trains on target '\(configuration.target)', which the data lacks")
    }
    let start = Date()
    let study = self.study
    let lastBeat = LockedDate()
    do {
      let model = try GBDTTrainer.train(
        dataset, rows: trainRows[split], target: target, parameters: parameters, threads: threads,
        shouldStop: {
          if lastBeat.elapsed() > 10 {
            lastBeat.reset()
            try? study.heartbeat(trial: trial, split: split)
          }
          return shouldStop()
        })
      let predictions = try model.predict(dataset, rows: testRows[split], threads: threads)
      try study.complete(trial: trial, split: split, predictions: predictions, seconds: Date().timeIntervalSince(start))
      return true
    } catch is CancellationError {
      try study.release(trial: trial, split: split)
      return false
    }
  }

  /// Trains until every split of every stored trial is done or `shouldStop` turns true; `jobs` splits at a
  /// time with `threads` threads each. `finished` is called after each stored split.
  public func run(
    jobs: Int, threads: Int, shouldStop: @escaping @Sendable () -> Bool,
    finished: @escaping @Sendable (_ trial: Int, _ split: Int) -> Void
  ) throws {
    let trials = Dictionary(uniqueKeysWithValues: try study.trials().map { ($0.id, $0.configuration) })
    let failure = LockedError()
    DispatchQueue.concurrentPerform(iterations: max(1, jobs)) { _ in
      while !shouldStop() && !failure.isSet {
        do {
          guard let (trial, split) = try study.claim() else { return }
          guard let configuration = trials[trial] else { return }
          if try train(trial: trial, split: split, configuration: configuration, threads: threads, shouldStop: shouldStop) {
            finished(trial, split)
          }
        } catch {
          failure.set(error)
        }
      }
    }
    if let error = failure.error { throw error }
  }
}

/// A time stamp shared by one training's callbacks.
final class LockedDate: @unchecked Sendable {
  private var date = Date()
  private let lock = NSLock()
  func elapsed() -> TimeInterval { lock.withLock { Date().timeIntervalSince(date) } }
  func reset() { lock.withLock { date = Date() } }
}

/// The first error of parallel workers.
final class LockedError: @unchecked Sendable {
  private var stored: (any Error)?
  private let lock = NSLock()
  var isSet: Bool { lock.withLock { stored != nil } }
  var error: (any Error)? { lock.withLock { stored } }
  func set(_ error: any Error) { lock.withLock { if stored == nil { stored = error } } }
}
