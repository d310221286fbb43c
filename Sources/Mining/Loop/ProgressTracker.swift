import Foundation
import Synchronization

/// A mining run's progress as one line: trials done, trials per hour, ETA, best whole Sharpe and how many beat
/// the benchmark (scores refreshed at most every 15 s, and at the end).
public final class ProgressTracker: Sendable {
  let study: Study
  let start: Date
  let initialSplitsDone: Int
  /// The mining's `MiningBudget.cpuSeconds`, shown against the seconds trained.
  let cpuBudget: Double?
  private let best = Mutex<(refreshed: Date, sharpe: Double?, beating: Int)>((.distantPast, nil, 0))

  public init(study: Study, start: Date = Date(), cpuBudget: Double? = nil) throws {
    self.study = study
    self.start = start
    self.cpuBudget = cpuBudget
    initialSplitsDone = try study.store.progress().splitsDone
  }

  /// The current line and the trials done it reports, or nil if the study cannot be read right now.
  public func line() -> (text: String, done: Int)? {
    guard let p = try? study.store.progress() else { return nil }
    let (sharpe, beating) = bestSoFar(refresh: p.done == p.total)
    let elapsed = Date().timeIntervalSince(start)
    let splitsPerTrial = max(1, p.splitsTotal / max(1, p.total))
    let newSplits = p.splitsDone - initialSplitsDone
    let trialsPerHour = elapsed > 0 ? Double(newSplits) / Double(splitsPerTrial) / elapsed * 3600 : 0
    let remaining = Double(p.splitsTotal - p.splitsDone) / Double(splitsPerTrial)
    let eta = trialsPerHour > 0 ? remaining / trialsPerHour * 3600 : .infinity
    let text = String(
      format: "%d/%d trials done, %.0f trials/h, ETA %@, best whole Sharpe %@, %d beat the benchmark", p.done, p.total,
      trialsPerHour, eta.isFinite ? Self.duration(eta) : "-", sharpe.map { String(format: "%.3f", $0) } ?? "-", beating)
      + (cpuBudget.map { String(format: ", %.0f/%.0f s trained", p.secondsTrained, $0) } ?? "")
    return (text, p.done)
  }

  private func bestSoFar(refresh force: Bool) -> (Double?, Int) {
    best.withLock { best in
      if force || Date().timeIntervalSince(best.refreshed) > 15, let results = try? study.results() {
        best = (Date(), results.compactMap(\.wholeSharpe).max(), results.filter(\.beatsBenchmark).count)
      }
      return (best.sharpe, best.beating)
    }
  }

  /// `1h05m` or `3m07s`.
  public static func duration(_ seconds: Double) -> String {
    let s = Int(seconds)
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
  }
}
