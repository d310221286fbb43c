import Foundation
import Mining

/// What the pages show of a study at one moment: its counts and running splits (read on every request), its
/// split runs and scored results (from `StudyCache`, recomputed only when finished splits or trials were added).
public struct StudySnapshot: Sendable {
  /// The study as the user named it.
  public let location: String
  public let layout: StudyLayout
  public let progress: StudyProgress
  /// The split runs being trained now.
  public let running: [SplitRun]
  /// Every split run as of the last scoring (per-split timings).
  public let runs: [SplitRun]
  public let trials: [StoredTrial]
  /// One per full-fidelity trial, in trial order (`Study.results`).
  public let results: [TrialResult]
  public let holdout: [HoldoutScore]
  public let rate: MiningRate
  /// The sorted eras the splits cover.
  public let eras: [String]

  /// Splits per trial (at least 1).
  public var splitsPerTrial: Int { max(1, layout.splits.count) }

  /// `done/total` of splits and trials: the pages' version, which the live script compares.
  public var version: String { "\(progress.splitsDone)/\(progress.total)" }

  /// The finished results.
  public var done: [TrialResult] { results.filter { $0.status == .done } }

  /// The trial and its result, if the study has trial `id` and it is a model (fidelity 1, as `results` holds).
  public func trial(_ id: Int) -> (StoredTrial, TrialResult)? {
    guard let trial = trials.first(where: { $0.id == id }), let result = results.first(where: { $0.id == id }) else { return nil }
    return (trial, result)
  }
}

/// How fast the study's trials finish.
public struct MiningRate: Sendable, Equatable {
  public var trialsPerHour: Double?
  /// `observed` (finished splits counted since the dashboard started), `estimated` (running splits ÷ mean
  /// split time) or `unknown`.
  public var source: String
}
