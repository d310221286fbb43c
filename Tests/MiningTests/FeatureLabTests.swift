import Features
import Foundation
import Mining
import NumeraiData
import Scoring
import TestSupport
import Testing

/// The feature lab: periods are the splits' folds and the sealed eras, a variant that adds the answer wins by
/// the known margin, the baseline's own MMC and correlation are exact, and sealed labels reach only sealed scores.
@Suite struct FeatureLabTests {
  static let data = try! SyntheticNumerai(.init(eras: 40, rowsPerEra: 120, features: 12, targets: 1, seed: 8, validationEras: 1, unlabelledEras: 0)).train
  static let model = TrialConfiguration(values: ["n_estimators": 60, "learning_rate": 0.1, "num_leaves": 8, "max_depth": 3, "colsample_bytree": 1], target: "target")

  static func lab(_ dataset: Dataset = data) throws -> FeatureLab {
    let sealed = try SealedEras.last(6, of: dataset, target: "target")
    let open = SealedEras.open(dataset.eras, sealed: sealed)
    return try FeatureLab(dataset: dataset, model: model, splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: open), sealedEras: sealed)
  }

  @Test func theAnswerAsAFeatureWinsAndTheBaselineIsItsOwnReference() throws {
    let lab = try Self.lab()
    let results = try lab.run([.init(name: "+ leak", stages: AppendedStages([TargetLeak()]))], threads: 2)
    #expect(results.map(\.variant) == ["baseline", "+ leak"])
    let baseline = results[0], leak = results[1]
    #expect(baseline.scores.map(\.period) == [.validation, .test, .sealed])
    #expect(baseline.scores(on: .validation)?.eras == lab.splits[0].testEras)
    #expect(baseline.scores(on: .test)?.eras == lab.splits[1].testEras)
    #expect(baseline.scores(on: .sealed)?.eras == lab.sealedEras)
    for period in LabPeriod.allCases {
      let b = try #require(baseline.scores(on: period)), l = try #require(leak.scores(on: period))
      #expect(b.baselineCorrelation == 1 || abs(b.baselineCorrelation - 1) < 1e-12)
      #expect(abs(b.mmc) < 1e-9, "the baseline contributes nothing beyond itself")
      #expect(l.corrMean > 0.5 && l.corrMean > b.corrMean + 0.3, "\(period): \(l.corrMean) vs \(b.corrMean)")
      #expect(l.mmc > 0.1)
      // The roll-up is the per-era corr's.
      let rolled = RollUp(l.perEraCorr)
      #expect(l.corrMean == rolled.mean && l.sharpe == rolled.sharpe && l.maxDrawdown == rolled.maxDrawdown)
    }
    #expect(baseline.stages.isEmpty && leak.stages == ["leak"])
  }

  /// Poisoned sealed labels change the sealed scores only: validation and test never fit or score on them, with
  /// or without synthetic eras (made from each fit's training rows).
  @Test func sealedLabelsReachOnlySealedScores() throws {
    let synthetic = FeatureLab.Variant(name: "+ rows", augmentation: .syntheticEras(count: 3, components: 2, ridge: 50))
    let cleanRuns = try Self.lab().run([synthetic], threads: 2)
    let sealedRows = Self.data.rows(ofEras: try Self.lab().sealedEras.compactMap { Self.data.eraIndex(of: $0) })
    var target = Self.data.targets.columnArray(0)
    for row in sealedRows { target[row] = 1 - target[row] }
    let d = Self.data
    let poisoned = Dataset(
      ids: d.ids, eras: d.eras, eraRanges: d.eraRanges, featureNames: d.featureNames, features: d.features,
      targetNames: d.targetNames, targets: ColumnMajorMatrix(columns: [target], rowCount: d.rowCount))
    let dirtyRuns = try Self.lab(poisoned).run([synthetic], threads: 2)
    func untimed(_ s: LabScores?) -> LabScores? { s.map { var t = $0; t.fitSeconds = 0; return t } }
    for (clean, dirty) in zip(cleanRuns, dirtyRuns) {
      #expect(untimed(dirty.scores(on: .validation)) == untimed(clean.scores(on: .validation)), "\(clean.variant)")
      #expect(untimed(dirty.scores(on: .test)) == untimed(clean.scores(on: .test)), "\(clean.variant)")
    }
    #expect(dirtyRuns[0].scores(on: .sealed)!.corrMean < 0 && cleanRuns[0].scores(on: .sealed)!.corrMean > 0)
  }

  /// `lab` on the command line: a table per period, the HTML page, JSON, and one line for a missing stage.
  @Test func labCommand() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let synth = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("d"), "--eras", "40", "--rows-per-era", "100", "--features", "10", "--validation-eras", "4", "--seed", "2"])
    #expect(synth.status == 0)
    let fit = try CommandLineTool.run(
      ["features", "fit", "--method", "pca", "--components", "2", "--data", dir.file("d_train.parquet"), "--out", dir.file("p.smt")])
    #expect(fit.status == 0, "\(fit.stderr)")
    let common = ["lab", "--data", dir.file("d_train.parquet"), "--benchmark", "n_estimators=50,learning_rate=0.1", "--gap", "2", "--sealed-eras", "5"]
    let run = try CommandLineTool.run(common + ["--transform", dir.file("p.smt"), "--report", dir.file("lab.html")])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("validation eras (") && run.stdout.contains("test eras (") && run.stdout.contains("sealed eras (5)"))
    #expect(run.stdout.contains("+ pca:2 (p.smt)"))
    let html = try String(contentsOfFile: dir.file("lab.html"), encoding: .utf8)
    #expect(html.contains("<h2>Sealed eras</h2>") && html.contains("<svg") && html.contains("+ pca:2 (p.smt)"))
    let json = try CommandLineTool.run(common + ["--transform", dir.file("p.smt"), "--json"])
    let decoded = try JSONDecoder().decode([LabResult].self, from: Data(json.stdout.utf8))
    #expect(decoded.map(\.variant) == ["baseline", "+ pca:2 (p.smt)"] && decoded[1].stages == ["pca:2"])
    let none = try CommandLineTool.run(common)
    #expect(none.status == 64 && none.stderr.contains("give at least one --transform"))
    let rows = try CommandLineTool.run(common + ["--augment", "cutout:0.2:1", "--augment", "synthetic:4:2", "--json"])
    #expect(rows.status == 0, "\(rows.stderr)")
    let augmented = try JSONDecoder().decode([LabResult].self, from: Data(rows.stdout.utf8))
    #expect(augmented.map(\.variant) == ["baseline", "+ rows cutout:0.2:1", "+ rows synthetic:4:2"])
    #expect(augmented.map(\.augmentation) == [nil, "cutout:0.2:1", "synthetic:4:2:100.0"])
    #expect(rows.stderr.contains("+ rows cutout:0.2:1: validation fitted on "))
    let bad = try CommandLineTool.run(common + ["--augment", "mixup:1"])
    #expect(bad.status == 1 && bad.stderr.contains("mixup:1") && bad.stderr.split(separator: "\n").count == 1)
    let missing = try CommandLineTool.run(common + ["--transform", dir.file("nope.smt")])
    #expect(missing.status == 1 && missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("nope.smt"))
  }
}

/// A stage that adds the target, binned 0…4 (a test's known winner; real stages never read labels).
struct TargetLeak: FeatureTransform {
  var spec: String { "leak" }
  var inputNames: [String] { [] }
  var outputNames: [String] { ["feature_leak"] }
  func apply(to dataset: Dataset) throws -> Dataset {
    let column = dataset.targets.columnArray(0).map { $0.isNaN ? Int8(2) : Int8(($0 * 4).rounded()) }
    return Dataset(
      ids: dataset.ids, eras: dataset.eras, eraRanges: dataset.eraRanges, featureNames: outputNames,
      features: ColumnMajorMatrix(columns: [column], rowCount: dataset.rowCount), targetNames: dataset.targetNames,
      targets: dataset.targets)
  }
  func encoded() throws -> Data { Data() }
}
