import Boosting
import Foundation
import Scoring
import TestSupport
import Testing

@testable import Mining

/// Results from a hand-made study whose scores are known.
@Suite struct TrialResultsTests {
  /// One split, two labelled eras of four rows. The benchmark predicts the labels' order; the trial predicts a
  /// constant in era "0001" (no correlation: the era is left out, as pandas' mean leaves NaN out) and the labels'
  /// order in era "0002".
  @Test func eraWithConstantPredictionsIsLeftOutAndResultsStayEncodable() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let labels: [Float] = [0, 0.25, 0.75, 1, 1, 0.5, 0.25, 0]
    let study = try Study.create(
      path: dir.file("s.sqlite"), fingerprint: StudyFingerprint(files: ["x"], rows: 8, eras: 2, features: ["f"]),
      splits: [EraSplit(trainEras: ["0000"], testEras: ["0001", "0002"])],
      splitTargets: [SplitTargets(eras: ["0001", "0002"], rowsPerEra: [4, 4], labels: labels, ids: (1...8).map { "n\($0)" })],
      benchmark: TrialConfiguration(values: ["num_leaves": 15], target: "target"), benchmarkParameters: BoostingParameters())
    let trial = try study.add([TrialConfiguration(values: ["num_leaves": 4], target: "target")], sampler: "uniform")[0]
    #expect(try study.complete(trial: 1, split: 0, predictions: labels.map(Double.init), seconds: 1))
    #expect(try study.complete(trial: trial, split: 0, predictions: [0.5, 0.5, 0.5, 0.5, 0.9, 0.6, 0.3, 0.1], seconds: 1))
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
    #expect(try study.splitTargets()[0].ids == (1...8).map { "n\($0)" })
  }
}
