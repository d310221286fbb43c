import Boosting
import GRDB
import Foundation
import Scoring
import TestSupport
import Testing

@testable import Mining

/// Results from a hand-made study whose scores are known.
@Suite struct TrialResultsTests {
  /// A study of one split over two labelled eras of four rows (`labels`), the benchmark stored, nothing trained.
  static func study(_ dir: TemporaryDirectory) throws -> (SQLiteStudyStore, labels: [Float]) {
    let labels: [Float] = [0, 0.25, 0.75, 1, 1, 0.5, 0.25, 0]
    let layout = StudyLayout(
      fingerprint: StudyFingerprint(files: ["x"], rows: 8, eras: 2, features: ["f"]),
      splits: [EraSplit(trainEras: ["0000"], testEras: ["0001", "0002"])],
      splitTargets: [SplitTargets(eras: ["0001", "0002"], rowsPerEra: [4, 4], labels: labels, ids: (1...8).map { "n\($0)" })],
      benchmarkParameters: BoostingParameters(), scoringTarget: "target")
    let store = try SQLiteStudyStore.create(
      path: dir.file("s.sqlite"), layout: layout, benchmark: TrialConfiguration(values: ["num_leaves": 15], target: "target"),
      engine: "gbdt")
    return (store, labels)
  }

  /// One split, two labelled eras of four rows. The benchmark predicts the labels' order; the trial predicts a
  /// constant in era "0001" (no correlation: the era is left out, as pandas' mean leaves NaN out) and the labels'
  /// order in era "0002".
  @Test func eraWithConstantPredictionsIsLeftOutAndResultsStayEncodable() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (store, labels) = try Self.study(dir)
    let trial = try store.addTrials(
      [TrialConfiguration(values: ["num_leaves": 4], target: "target")], sampler: "uniform", engine: "gbdt", sampledLimit: 1)[0]
    let me = StudyWorker.current
    #expect(try store.complete(SplitClaim(trial: 1, split: 0, owner: me.identity), predictions: labels.map(Double.init), seconds: 1))
    #expect(
      try store.complete(
        SplitClaim(trial: trial, split: 0, owner: me.identity), predictions: [0.5, 0.5, 0.5, 0.5, 0.9, 0.6, 0.3, 0.1], seconds: 1))
    let study = try Study(store: store)
    let results = try TrialResults.compute(study)
    let benchmark = results.first { $0.isBenchmark }!
    let mined = results.first { !$0.isBenchmark }!
    let eraTwo = NumeraiMetrics.numeraiCorr(predictions: [0.9, 0.6, 0.3, 0.1], targets: [1, 0.5, 0.25, 0])
    #expect(eraTwo > 0.5)
    #expect(mined.perEraCorr == ["0002": eraTwo])
    #expect(mined.wholeCorr == eraTwo && mined.validationCorr == eraTwo)
    #expect(benchmark.perEraCorr.count == 2)
    // Every value is finite or absent, so the results encode as JSON.
    let json = try JSONEncoder().encode(results)
    #expect(!json.isEmpty)
    #expect(study.layout.splitTargets[0].ids == (1...8).map { "n\($0)" })
  }

  /// One `Study` asked again and again while trials finish (as the dashboard asks) gives exactly what a fresh
  /// `Study` on the same file gives — also when the benchmark finishes after a trial (MMC needs it) — and scores
  /// each finished trial once: a changed prediction in the file after a trial was scored is not re-read.
  @Test func keptScoresEqualFreshScoresWhileTrialsFinish() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (store, labels) = try Self.study(dir)
    let ids = try store.addTrials(
      (2...4).map { TrialConfiguration(values: ["num_leaves": Double($0)], target: "target") }, sampler: "uniform", engine: "gbdt",
      sampledLimit: 3)
    let watched = try Study(store: store)
    func finish(_ trial: Int, _ predictions: [Double]) throws {
      #expect(try store.complete(SplitClaim(trial: trial, split: 0, owner: StudyWorker.current.identity), predictions: predictions, seconds: 1))
      let fresh = try Study(store: try SQLiteStudyStore.open(path: dir.file("s.sqlite")))
      #expect(try watched.results() == (try fresh.results()), "after trial \(trial) finished")
    }
    try finish(ids[0], [0.9, 0.1, 0.5, 0.7, 0.2, 0.6, 0.3, 0.8])
    try finish(1, labels.map(Double.init))
    #expect(try watched.results().first { $0.id == ids[0] }?.wholeMmc != nil, "scored again once the benchmark is done")
    try finish(ids[1], [0.1, 0.2, 0.3, 0.4, 0.9, 0.6, 0.3, 0.1])
    try finish(ids[2], [0.4, 0.3, 0.2, 0.1, 0.5, 0.6, 0.7, 0.8])
    let before = try watched.results()
    #expect(before.filter { $0.status == .done }.count == 4)
    // Overwrite a finished trial's stored predictions behind the store's back: the kept scores stand.
    let db = try GRDB.DatabaseQueue(path: dir.file("s.sqlite"))
    try db.write { try $0.execute(sql: "UPDATE split_run SET predictions = NULL WHERE trial = ?", arguments: [ids[1]]) }
    #expect(try watched.results() == before, "finished trials are not re-read")
  }
}
