import Features
import Foundation
import Scoring
import Synchronization

/// One trial's scores for `results`: numerai corr (mean, Sharpe, max drawdown), Pearson as the Python Signal
/// Miner computes it, MMC against the benchmark's predictions (or a meta model's) and correlation with the
/// benchmark — on the validation fold (the first test block), the test fold (the last) and the whole out-of-fold
/// period.
public struct TrialResult: Sendable, Encodable, Equatable {
  public var id: Int
  public var isBenchmark: Bool
  public var sampler: String
  public var status: TrialState
  public var config: [String: Double]
  public var target: String
  public var validationCorr: Double?
  public var validationSharpe: Double?
  public var validationMaxDrawdown: Double?
  public var validationPearson: Double?
  public var validationMmc: Double?
  public var testCorr: Double?
  public var testSharpe: Double?
  public var testMaxDrawdown: Double?
  public var testPearson: Double?
  public var testMmc: Double?
  public var wholeCorr: Double?
  public var wholeSharpe: Double?
  public var wholeMaxDrawdown: Double?
  public var wholePearson: Double?
  public var wholePearsonSharpe: Double?
  public var wholeMmc: Double?
  public var benchmarkCorrelation: Double?
  /// The deflated Sharpe ratio of the whole period (`DeflatedSharpe`), given every finished trial of the study.
  public var deflatedSharpe: Double?
  /// The worse of the validation and test folds' Sharpe.
  public var worseFoldSharpe: Double?
  /// What MMC is measured against: "benchmark" or "meta_model".
  public var mmcAgainst: String
  /// Whole-period corr and Sharpe both above the benchmark's.
  public var beatsBenchmark: Bool
  /// Per-era numerai corr over the whole period (era → corr), for the report; left out of JSON when empty.
  public var perEraCorr: [String: Double]
  /// The pipeline dimensions that are not the default (`features`, `augment`); left out of JSON when empty.
  public var pipeline: [String: String] = [:]
  /// The configuration's fidelity (`TrialConfiguration.fidelity`); left out of JSON when 1. Trials below 1
  /// are cheap evaluations for successive halving: never beaters, left out of `Study.results` unless asked.
  public var fidelity: Double = 1

  enum CodingKeys: String, CodingKey {
    case id, isBenchmark, sampler, status, config, target, validationCorr, validationSharpe, validationMaxDrawdown
    case validationPearson, validationMmc, testCorr, testSharpe, testMaxDrawdown, testPearson, testMmc, wholeCorr
    case wholeSharpe, wholeMaxDrawdown, wholePearson, wholePearsonSharpe, wholeMmc, benchmarkCorrelation, deflatedSharpe
    case worseFoldSharpe, mmcAgainst
    case beatsBenchmark, perEraCorr, pipeline, fidelity
  }
}

/// Computes `TrialResult`s from a study alone (its stored predictions and test labels), with MMC against the
/// benchmark's predictions or against a meta model given per split.
public enum TrialResults {
  /// `metaModel`: per split, a meta-model value for each test row in study order (NaN where it has none);
  /// MMC then uses, in each era, the labelled rows that have one (eras with fewer than two are left out).
  public static func compute(_ study: Study, metaModel: [[Double]]? = nil) throws -> [TrialResult] {
    let targets = study.layout.splitTargets
    if let metaModel {
      guard metaModel.count == targets.count && zip(metaModel, targets).allSatisfy({ $0.count == $1.labels.count }) else {
        throw MiningError("the meta model must give one value per out-of-fold row of each split")
      }
    }
    let trials = try study.store.trials()
    let finished = try finishedTrials(study)
    let load = { (id: Int) in finished.contains(id) ? try study.store.outOfFoldPredictions(trial: id, splitCount: targets.count) : nil }
    let benchmarkPredictions = try trials.first(where: \.isBenchmark).flatMap { try load($0.id) }
    let scorer = EraScorer(targets: targets, benchmark: benchmarkPredictions, metaModel: metaModel)
    // A finished trial's scores depend only on its predictions and the benchmark's, fixed once both are done.
    let kept = metaModel == nil && benchmarkPredictions != nil ? study.finishedScores : nil
    var results = try trials.map { trial in
      if let r = kept?.score(of: trial.id) { return r }
      var r = TrialResult(
        id: trial.id, isBenchmark: trial.isBenchmark, sampler: trial.sampler, status: .pending,
        config: trial.configuration.values, target: trial.configuration.target,
        mmcAgainst: metaModel == nil ? "benchmark" : "meta_model", beatsBenchmark: false, perEraCorr: [:])
      if trial.configuration.features != FeatureTransforms.identity { r.pipeline["features"] = trial.configuration.features }
      if trial.configuration.augment != TrialConfiguration.noAugmentation { r.pipeline["augment"] = trial.configuration.augment }
      r.fidelity = trial.configuration.fidelity
      if let predictions = try load(trial.id) {
        scorer.score(predictions, into: &r)
        kept?.keep(r)
      }
      return r
    }
    markBenchmarkBeaters(&results)
    markSelectionScores(&results)
    return results
  }

  /// The ids of the trials whose every split run is done.
  private static func finishedTrials(_ study: Study) throws -> Set<Int> {
    var done: [Int: Int] = [:]
    for run in try study.store.splitRuns(status: .done) { done[run.trial, default: 0] += 1 }
    return Set(done.filter { $0.value == study.layout.splits.count }.keys)
  }

  /// Flags the full-fidelity trials whose whole-period corr and Sharpe both exceed the benchmark's.
  static func markBenchmarkBeaters(_ results: inout [TrialResult]) {
    guard let b = results.first(where: { $0.isBenchmark }), let bc = b.wholeCorr, let bs = b.wholeSharpe else { return }
    for i in results.indices where !results[i].isBenchmark && results[i].fidelity == 1 {
      if let c = results[i].wholeCorr, let s = results[i].wholeSharpe { results[i].beatsBenchmark = c > bc && s > bs }
    }
  }
}

/// Scores one trial's out-of-fold predictions era by era and rolls them up per fold and over the whole period.
struct EraScorer {
  let targets: [SplitTargets]
  /// The benchmark's out-of-fold predictions (split order), for MMC and the correlation with the benchmark.
  let benchmark: [Float]?
  let metaModel: [[Double]]?

  /// Per-era values of one trial, per split.
  private struct PerEra {
    var corr: [[Double]] = []
    var pearson: [[Double]] = []
    var mmc: [[Double]] = []
    var withBenchmark: [Double] = []
  }

  /// Fills `r`'s scores from `predictions` (every split's test rows, in split order).
  func score(_ predictions: [Float], into r: inout TrialResult) {
    r.status = .done
    var perEra = PerEra()
    var offset = 0
    for s in targets.indices {
      perEra.corr.append([])
      perEra.pearson.append([])
      perEra.mmc.append([])
      scoreSplit(s, predictions: predictions, offset: offset, into: &perEra, result: &r)
      offset += targets[s].labels.count
    }
    rollUp(perEra, into: &r)
  }

  private func scoreSplit(_ s: Int, predictions: [Float], offset: Int, into perEra: inout PerEra, result r: inout TrialResult) {
    var start = 0
    for (e, count) in targets[s].rowsPerEra.enumerated() {
      let range = start..<(start + count)
      start += count
      let y = targets[s].labels[range].map(Double.init)
      guard y.contains(where: { !$0.isNaN }) else { continue }
      let x = predictions[(offset + range.lowerBound)..<(offset + range.upperBound)].map(Double.init)
      // An era whose predictions are constant has no correlation (NaN); like pandas' mean in the original, the
      // roll-ups leave such eras out.
      let corr = NumeraiMetrics.numeraiCorr(predictions: x, targets: y)
      if corr.isFinite {
        perEra.corr[s].append(corr)
        r.perEraCorr[targets[s].eras[e]] = corr
      }
      let labelled = y.indices.filter { !y[$0].isNaN }
      appendFinite(NumeraiMetrics.pearson(labelled.map { x[$0] }, labelled.map { y[$0] }), to: &perEra.pearson[s])
      if let benchmark {
        let bx = benchmark[(offset + range.lowerBound)..<(offset + range.upperBound)].map(Double.init)
        if metaModel == nil {
          appendFinite(NumeraiMetrics.correlationContribution(predictions: x, metaModel: bx, targets: y), to: &perEra.mmc[s])
        }
        appendFinite(NumeraiMetrics.pearson(x, bx), to: &perEra.withBenchmark)
      }
      if let meta = metaModel?[s] { appendMetaModelContribution(x, y, meta[range], to: &perEra.mmc[s]) }
    }
  }

  /// MMC against the meta model over the era's labelled rows that have a meta-model value (two at least).
  private func appendMetaModelContribution(_ x: [Double], _ y: [Double], _ meta: ArraySlice<Double>, to out: inout [Double]) {
    let kept = y.indices.filter { !meta[meta.startIndex + $0].isNaN && !y[$0].isNaN }
    guard kept.count >= 2 else { return }
    appendFinite(
      NumeraiMetrics.correlationContribution(
        predictions: kept.map { x[$0] }, metaModel: kept.map { meta[meta.startIndex + $0] }, targets: kept.map { y[$0] }),
      to: &out)
  }

  private func appendFinite(_ value: Double, to out: inout [Double]) {
    if value.isFinite { out.append(value) }
  }

  private func rollUp(_ perEra: PerEra, into r: inout TrialResult) {
    func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
    let last = targets.count - 1
    let validation = RollUp(perEra.corr[0])
    let test = RollUp(perEra.corr[last])
    let whole = RollUp(perEra.corr.flatMap { $0 })
    let wholePearson = RollUp(perEra.pearson.flatMap { $0 })
    r.validationCorr = finite(validation.mean)
    r.validationSharpe = finite(validation.sharpe)
    r.validationMaxDrawdown = finite(validation.maxDrawdown)
    r.validationPearson = finite(RollUp(perEra.pearson[0]).mean)
    r.testCorr = finite(test.mean)
    r.testSharpe = finite(test.sharpe)
    r.testMaxDrawdown = finite(test.maxDrawdown)
    r.testPearson = finite(RollUp(perEra.pearson[last]).mean)
    r.wholeCorr = finite(whole.mean)
    r.wholeSharpe = finite(whole.sharpe)
    r.wholeMaxDrawdown = finite(whole.maxDrawdown)
    r.wholePearson = finite(wholePearson.mean)
    r.wholePearsonSharpe = finite(wholePearson.sharpe)
    if benchmark != nil || metaModel != nil {
      r.validationMmc = perEra.mmc[0].isEmpty ? nil : finite(RollUp(perEra.mmc[0]).mean)
      r.testMmc = perEra.mmc[last].isEmpty ? nil : finite(RollUp(perEra.mmc[last]).mean)
      r.wholeMmc = perEra.mmc.allSatisfy(\.isEmpty) ? nil : finite(RollUp(perEra.mmc.flatMap { $0 }).mean)
    }
    if benchmark != nil { r.benchmarkCorrelation = finite(RollUp(perEra.withBenchmark).mean) }
  }
}

extension TrialResult {
  /// Encodes every field, optional ones only when present and the per-era corr only when not empty.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(isBenchmark, forKey: .isBenchmark)
    try c.encode(sampler, forKey: .sampler)
    try c.encode(status, forKey: .status)
    try c.encode(config, forKey: .config)
    try c.encode(target, forKey: .target)
    let scores: [(Double?, CodingKeys)] = [
      (validationCorr, .validationCorr), (validationSharpe, .validationSharpe), (validationMaxDrawdown, .validationMaxDrawdown),
      (validationPearson, .validationPearson), (validationMmc, .validationMmc), (testCorr, .testCorr), (testSharpe, .testSharpe),
      (testMaxDrawdown, .testMaxDrawdown), (testPearson, .testPearson), (testMmc, .testMmc), (wholeCorr, .wholeCorr),
      (wholeSharpe, .wholeSharpe), (wholeMaxDrawdown, .wholeMaxDrawdown), (wholePearson, .wholePearson),
      (wholePearsonSharpe, .wholePearsonSharpe), (wholeMmc, .wholeMmc), (benchmarkCorrelation, .benchmarkCorrelation),
      (deflatedSharpe, .deflatedSharpe), (worseFoldSharpe, .worseFoldSharpe),
    ]
    for (value, key) in scores { try c.encodeIfPresent(value, forKey: key) }
    try c.encode(mmcAgainst, forKey: .mmcAgainst)
    try c.encode(beatsBenchmark, forKey: .beatsBenchmark)
    if !perEraCorr.isEmpty { try c.encode(perEraCorr, forKey: .perEraCorr) }
    if !pipeline.isEmpty { try c.encode(pipeline, forKey: .pipeline) }
    if fidelity != 1 { try c.encode(fidelity, forKey: .fidelity) }
  }
}

/// The scores of a study's finished trials, kept between calls of `Study.results()` so that a study of thousands of
/// trials, asked again while it is mined (the dashboard, the progress line, a learning sampler), scores only the
/// trials finished since. Scores before the study-wide marks (beaters, deflated Sharpe), which are redone each call.
final class FinishedTrialScores: Sendable {
  private let scores = Mutex<[Int: TrialResult]>([:])

  func score(of trial: Int) -> TrialResult? { scores.withLock { $0[trial] } }

  func keep(_ result: TrialResult) { scores.withLock { $0[result.id] = result } }
}
