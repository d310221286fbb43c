import Foundation
import Scoring

/// One trial's scores for `results`: numerai corr (mean, Sharpe, max drawdown), Pearson as the Python Signal
/// Miner computes it, MMC against the benchmark's predictions (or a meta model's) and correlation with the
/// benchmark — on the validation fold (the first test block), the test fold (the last) and the whole out-of-fold
/// period.
public struct TrialResult: Sendable, Codable, Equatable {
  public var id: Int
  public var isBenchmark: Bool
  public var sampler: String
  public var status: String
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
  /// What MMC is measured against: "benchmark" or "meta_model".
  public var mmcAgainst: String
  /// Whole-period corr and Sharpe both above the benchmark's.
  public var beatsBenchmark: Bool
  /// Per-era numerai corr over the whole period (era → corr), for the report.
  public var perEraCorr: [String: Double]
}

/// Computes `TrialResult`s from a study alone (its stored predictions and test labels), with MMC against the
/// benchmark's predictions or against a meta model given per split.
public enum TrialResults {
  /// `metaModel`: per split, a meta-model value for each test row in study order (NaN where it has none);
  /// MMC then uses, in each era, the labelled rows that have one (eras with fewer than two are left out).
  public static func compute(_ study: Study, metaModel: [[Double]]? = nil) throws -> [TrialResult] {
    let trials = try study.trials()
    let targets = try study.splitTargets()
    let splitCount = targets.count
    if let metaModel {
      guard metaModel.count == splitCount && zip(metaModel, targets).allSatisfy({ $0.count == $1.labels.count }) else {
        throw MiningError("the meta model must give one value per out-of-fold row of each split")
      }
    }
    func load(_ id: Int) throws -> [[Float]]? {
      var out: [[Float]] = []
      for s in 0..<splitCount {
        guard let p = try study.predictions(trial: id, split: s) else { return nil }
        out.append(p)
      }
      return out
    }
    let benchmark = trials.first { $0.isBenchmark }
    let benchmarkPredictions = try benchmark.flatMap { try load($0.id) }
    var results: [TrialResult] = []
    for trial in trials {
      var r = TrialResult(
        id: trial.id, isBenchmark: trial.isBenchmark, sampler: trial.sampler, status: "pending",
        config: trial.configuration.values, target: trial.configuration.target,
        mmcAgainst: metaModel == nil ? "benchmark" : "meta_model", beatsBenchmark: false, perEraCorr: [:])
      guard let predictions = try load(trial.id) else {
        results.append(r)
        continue
      }
      r.status = "done"
      // Per era of each split: corr, pearson, mmc and correlation with the benchmark.
      var corr: [[Double]] = []
      var pearson: [[Double]] = []
      var mmc: [[Double]] = []
      var withBenchmark: [Double] = []
      for s in 0..<splitCount {
        var start = 0
        var c: [Double] = []
        var p: [Double] = []
        var m: [Double] = []
        for (e, count) in targets[s].rowsPerEra.enumerated() {
          let range = start..<(start + count)
          start += count
          let y = targets[s].labels[range].map(Double.init)
          guard y.contains(where: { !$0.isNaN }) else { continue }
          let x = predictions[s][range].map(Double.init)
          // An era whose predictions are constant has no correlation (NaN); like pandas' mean in the original,
          // the roll-ups leave such eras out.
          let value = NumeraiMetrics.numeraiCorr(predictions: x, targets: y)
          if value.isFinite {
            c.append(value)
            r.perEraCorr[targets[s].eras[e]] = value
          }
          let labelled = y.indices.filter { !y[$0].isNaN }
          let pearsonValue = NumeraiMetrics.pearson(labelled.map { x[$0] }, labelled.map { y[$0] })
          if pearsonValue.isFinite { p.append(pearsonValue) }
          if let b = benchmarkPredictions?[s] {
            let bx = b[range].map(Double.init)
            if metaModel == nil {
              let contribution = NumeraiMetrics.correlationContribution(predictions: x, metaModel: bx, targets: y)
              if contribution.isFinite { m.append(contribution) }
            }
            let correlation = NumeraiMetrics.pearson(x, bx)
            if correlation.isFinite { withBenchmark.append(correlation) }
          }
          if let meta = metaModel?[s] {
            let kept = range.filter { !meta[$0].isNaN && !y[$0 - range.lowerBound].isNaN }.map { $0 - range.lowerBound }
            if kept.count >= 2 {
              let contribution = NumeraiMetrics.correlationContribution(
                predictions: kept.map { x[$0] }, metaModel: kept.map { meta[range.lowerBound + $0] },
                targets: kept.map { y[$0] })
              if contribution.isFinite { m.append(contribution) }
            }
          }
        }
        corr.append(c)
        pearson.append(p)
        mmc.append(m)
      }
      func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
      let validation = RollUp(corr[0])
      let test = RollUp(corr[splitCount - 1])
      let whole = RollUp(corr.flatMap { $0 })
      let wholePearson = RollUp(pearson.flatMap { $0 })
      r.validationCorr = finite(validation.mean)
      r.validationSharpe = finite(validation.sharpe)
      r.validationMaxDrawdown = finite(validation.maxDrawdown)
      r.validationPearson = finite(RollUp(pearson[0]).mean)
      r.testCorr = finite(test.mean)
      r.testSharpe = finite(test.sharpe)
      r.testMaxDrawdown = finite(test.maxDrawdown)
      r.testPearson = finite(RollUp(pearson[splitCount - 1]).mean)
      r.wholeCorr = finite(whole.mean)
      r.wholeSharpe = finite(whole.sharpe)
      r.wholeMaxDrawdown = finite(whole.maxDrawdown)
      r.wholePearson = finite(wholePearson.mean)
      r.wholePearsonSharpe = finite(wholePearson.sharpe)
      if benchmarkPredictions != nil || metaModel != nil {
        r.validationMmc = mmc[0].isEmpty ? nil : finite(RollUp(mmc[0]).mean)
        r.testMmc = mmc[splitCount - 1].isEmpty ? nil : finite(RollUp(mmc[splitCount - 1]).mean)
        r.wholeMmc = mmc.allSatisfy(\.isEmpty) ? nil : finite(RollUp(mmc.flatMap { $0 }).mean)
      }
      if benchmarkPredictions != nil { r.benchmarkCorrelation = finite(RollUp(withBenchmark).mean) }
      results.append(r)
    }
    if let b = results.first(where: { $0.isBenchmark }), let bc = b.wholeCorr, let bs = b.wholeSharpe {
      for i in results.indices where !results[i].isBenchmark {
        if let c = results[i].wholeCorr, let s = results[i].wholeSharpe { results[i].beatsBenchmark = c > bc && s > bs }
      }
    }
    return results
  }
}
