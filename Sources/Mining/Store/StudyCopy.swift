import Foundation

/// Copies a study from one store to another (SQLite ⇄ PostgreSQL, or any two `StudyStore`s) through the
/// protocol alone: the layout, every trial (same ids, samplers, engines), every done run's predictions and
/// training time, the samplers' states and the holdout scores.
///
/// Runs not done in the source (pending, or running under someone's lease) are pending in the copy. Claim
/// counts start over at 1 for done runs. The destination must be new (or hold only its benchmark).
public enum StudyCopy {
  /// What was copied.
  public struct Summary: Sendable, Equatable {
    public var trials: Int
    public var splitsDone: Int
    public var samplerStates: Int
    public var holdoutScores: Int
  }

  /// Copies `source` into a new study at `destination`.
  public static func copy(from source: any StudyStore, to destination: String) throws -> Summary {
    let layout = try source.layout()
    let trials = try source.trials()
    guard let benchmark = trials.first, benchmark.isBenchmark, benchmark.id == 1 else {
      throw MiningError("\(source.location): expected the benchmark as trial 1")
    }
    let target = try StudyStores.create(destination, layout: layout, benchmark: benchmark.configuration, engine: benchmark.engine)
    guard try target.trials().count == 1 else {
      throw MiningError("\(target.location) already holds trials; copy into a new study")
    }
    for trial in trials.dropFirst() {
      let ids = try target.addTrials([trial.configuration], sampler: trial.sampler, engine: trial.engine, sampledLimit: .max)
      guard ids == [trial.id] else { throw MiningError("\(target.location): trial \(trial.id) was stored as \(ids); expected the same id") }
    }
    let splitsDone = try copyDoneRuns(from: source, to: target)
    var states = 0
    for name in Set(trials.map(\.sampler)).subtracting(["benchmark"]).sorted() {
      guard let state = try source.samplerState(name) else { continue }
      try target.saveSamplerState(name, state)
      states += 1
    }
    let holdout = try source.holdoutScores()
    if !holdout.isEmpty { try target.saveHoldoutScores(holdout) }
    return Summary(trials: trials.count, splitsDone: splitsDone, samplerStates: states, holdoutScores: holdout.count)
  }

  /// Claims every run of the new study in order (they are all pending), completes those done in the source with
  /// its predictions and time, and gives the others back.
  private static func copyDoneRuns(from source: any StudyStore, to target: any StudyStore) throws -> Int {
    let done = Dictionary(uniqueKeysWithValues: try source.splitRuns().filter { $0.state == .done }.map { ([$0.trial, $0.split], $0) })
    let copier = StudyWorker(host: "study-copy", pid: getpid())
    var unfinished: [SplitClaim] = []
    defer { for claim in unfinished { try? target.release(claim) } }
    var copied = 0
    while let claim = try target.claim(for: copier, lease: 3600) {
      guard let run = done[[claim.trial, claim.split]],
        let predictions = try source.predictions(trial: claim.trial, split: claim.split)
      else {
        unfinished.append(claim)
        continue
      }
      try target.complete(claim, predictions: predictions.map(Double.init), seconds: run.seconds ?? 0)
      copied += 1
    }
    return copied
  }
}
