import Foundation
import Mining
import NumeraiData
import Synchronization

/// Reads a study for the pages: progress and running split runs on every call (cheap), every split run and the
/// scored results only
/// when the count of finished splits or of trials changed since the last call (scoring is the expensive part) —
/// and, while a study is mined and changes between any two requests, at most once per rest: the larger of
/// `minimumRest` and ten times the last scoring's duration, so the server takes no more than a tenth of a core
/// from the miners however often pages are loaded (the scores shown are then at most that old).
public final class StudyCache: Sendable {
  public let study: Study
  let location: String
  let minimumRest: TimeInterval
  private struct Scored {
    var key: [Int]
    var at: Date
    var rest: TimeInterval
    var trials: [StoredTrial]
    var runs: [SplitRun]
    var results: [TrialResult]
    var holdout: [HoldoutScore]
  }
  private struct State {
    var scored: Scored?
    var computations = 0
    /// The first observation (time, splits done) and the latest one with more splits done.
    var first: (Date, Int)?
    var latest: (Date, Int)?
    var marginals: (key: Int, value: Result<[PolicyMarginal], MiningError>)?
  }
  private let state = Mutex(State())

  public init(study: Study, location: String, minimumRest: TimeInterval = 2) {
    self.study = study
    self.location = location
    self.minimumRest = minimumRest
  }

  /// How many times the results were scored (for tests of the cache).
  public var computations: Int { state.withLock { $0.computations } }

  /// The study now.
  public func snapshot(now: Date = Date()) throws -> StudySnapshot {
    let progress = try study.store.progress()
    let running = try study.store.splitRuns(status: .running)
    let key = [progress.splitsDone, progress.total]
    return try state.withLock { state in
      let keepScores = state.scored.map { $0.key == key || now.timeIntervalSince($0.at) < $0.rest } ?? false
      if !keepScores {
        let start = Date()
        let trials = try study.store.trials()
        let runs = try study.store.splitRuns()
        let results = try study.results()
        let holdout = try study.store.holdoutScores()
        let rest = max(minimumRest, 10 * Date().timeIntervalSince(start))
        state.scored = Scored(
          key: key, at: now, rest: rest, trials: trials, runs: runs, results: results, holdout: holdout)
        state.computations += 1
      }
      observe(&state, now: now, splitsDone: progress.splitsDone)
      let scored = state.scored!
      return StudySnapshot(
        location: location, layout: study.layout, progress: progress, running: running, runs: scored.runs,
        trials: scored.trials, results: scored.results, holdout: scored.holdout,
        rate: rate(state, progress: progress, runs: scored.runs),
        eras: study.eras)
    }
  }

  /// The gfn policy's marginals (`GFlowNetSampler.marginals`), recomputed when more splits are done.
  func marginals(_ snapshot: StudySnapshot, spacePath: String?) -> Result<[PolicyMarginal], MiningError>? {
    state.withLock { state in
      if let cached = state.marginals, cached.key == snapshot.progress.splitsDone { return cached.value }
      guard let saved = try? study.store.samplerState("gfn") else { return nil }
      let value: Result<[PolicyMarginal], MiningError>
      do { value = .success(try computeMarginals(saved, snapshot, spacePath: spacePath)) } catch let error
        as MiningError
      {
        value = .failure(error)
      } catch { value = .failure(MiningError("\(error)")) }
      state.marginals = (snapshot.progress.splitsDone, value)
      return value
    }
  }

  /// The marginals under the first target list the saved policy fits: the targets of the data files the study
  /// records (as `mine` loads them by default), else those the benchmark and the gfn trials were trained on.
  private func computeMarginals(_ saved: [UInt8], _ snapshot: StudySnapshot, spacePath: String?) throws
    -> [PolicyMarginal]
  {
    var seen: [String] = []
    for t in snapshot.trials where t.isBenchmark || t.sampler == "gfn" {
      if !seen.contains(t.configuration.target) { seen.append(t.configuration.target) }
    }
    let fromFiles = (try? DatasetLoader.targetNames(paths: snapshot.layout.dataPaths)).map { [$0] } ?? []
    let fixed = snapshot.trials.first(where: \.isBenchmark)?.configuration.values ?? BenchmarkPresets.example
    var failure: (any Error)?
    for targets in fromFiles + [seen] {
      do {
        let space = try SearchSpace.load(spacePath, availableTargets: targets)
        return try GFlowNetSampler.marginals(savedState: saved, space: space, fixed: fixed)
      } catch { failure = failure ?? error }
    }
    throw failure ?? MiningError("no target list to read the gfn policy with")
  }

  private func observe(_ state: inout State, now: Date, splitsDone: Int) {
    if state.first == nil { state.first = (now, splitsDone) }
    if splitsDone > (state.latest?.1 ?? state.first!.1) { state.latest = (now, splitsDone) }
  }

  private func rate(_ state: State, progress: StudyProgress, runs: [SplitRun]) -> MiningRate {
    let perTrial = Double(max(1, study.layout.splits.count))
    if let (t0, s0) = state.first, let (t1, s1) = state.latest, t1.timeIntervalSince(t0) > 0, s1 > s0 {
      return MiningRate(trialsPerHour: Double(s1 - s0) / perTrial / t1.timeIntervalSince(t0) * 3600, source: "observed")
    }
    let seconds = runs.compactMap { $0.state == .done ? $0.seconds : nil }
    guard progress.running > 0, !seconds.isEmpty else { return MiningRate(trialsPerHour: nil, source: "unknown") }
    let meanSplit = max(1e-3, seconds.reduce(0, +) / Double(seconds.count))
    return MiningRate(trialsPerHour: Double(progress.running) * 3600 / meanSplit / perTrial, source: "estimated")
  }
}
