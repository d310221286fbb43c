import Foundation
import Mining

/// The overview's numbers, as `/` shows them and `/api/overview` returns them (JSON).
public struct Overview: Codable, Sendable, Equatable {
  public var study: String
  public var done: Int
  public var total: Int
  public var splitsDone: Int
  public var splitsTotal: Int
  public var running: Int
  /// Finished trials per hour: observed since the dashboard started, else estimated from the running splits
  /// and the mean training time of a split (`rateSource` says which); nil when neither is known.
  public var trialsPerHour: Double?
  public var rateSource: String
  public var etaSeconds: Double?
  /// Training seconds of every finished split (CPU time of the jobs, wall clock per job).
  public var cpuSeconds: Double
  public var bestWholeSharpe: Double?
  public var bestTrial: Int?
  public var benchmarkWholeSharpe: Double?
  /// Trials whose whole-period corr and Sharpe both beat the benchmark's.
  public var beaters: Int
  /// Models scored on the sealed eras by `holdout`.
  public var sealedScores: Int
  public var miners: [MinerStatus]
}

/// One miner process working on the study, from the owners and leases of its running splits.
public struct MinerStatus: Codable, Sendable, Equatable {
  public var owner: String
  public var host: String
  public var pid: Int32?
  /// The runs it holds, as `trial/split`.
  public var runs: [String]
  public var trials: [Int]
  /// Its latest claim or heartbeat (seconds since 1970).
  public var lastHeartbeat: Double?
}

extension Overview {
  /// The overview of `snapshot`.
  init(_ snapshot: StudySnapshot) {
    let p = snapshot.progress
    let done = snapshot.results.filter { $0.status == .done }
    let best = done.filter { !$0.isBenchmark && $0.wholeSharpe != nil }.max { $0.wholeSharpe! < $1.wholeSharpe! }
    let remaining = Double(p.splitsTotal - p.splitsDone) / Double(snapshot.splitsPerTrial)
    self.init(
      study: snapshot.location, done: p.done, total: p.total, splitsDone: p.splitsDone, splitsTotal: p.splitsTotal,
      running: p.running, trialsPerHour: snapshot.rate.trialsPerHour, rateSource: snapshot.rate.source,
      etaSeconds: snapshot.rate.trialsPerHour.flatMap { $0 > 0 ? remaining / $0 * 3600 : nil },
      cpuSeconds: p.secondsTrained,
      bestWholeSharpe: best?.wholeSharpe, bestTrial: best?.id,
      benchmarkWholeSharpe: done.first(where: \.isBenchmark)?.wholeSharpe,
      beaters: done.filter(\.beatsBenchmark).count, sealedScores: snapshot.holdout.count,
      miners: Self.miners(snapshot.running))
  }

  static func miners(_ runs: [SplitRun]) -> [MinerStatus] {
    let running = runs.filter { $0.state == .running && $0.owner != nil }
    return Dictionary(grouping: running, by: { $0.owner! }).map { owner, held in
      let worker = StudyWorker(identity: owner)
      return MinerStatus(
        owner: owner, host: worker?.host ?? owner, pid: worker?.pid,
        runs: held.map { run -> String in "\(run.trial)/\(run.split)" },
        trials: Array(Set(held.map(\.trial))).sorted(), lastHeartbeat: held.compactMap(\.lastHeartbeat).max())
    }.sorted { $0.owner < $1.owner }
  }
}
