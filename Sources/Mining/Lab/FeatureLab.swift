import Boosting
import Features
import Foundation
import NumeraiData
import Scoring

/// Seed 002's experiments as one call: the baseline model on the data's own features against the same model on
/// those features plus each variant's appended stages, or on its training rows plus augmented ones (made from
/// each fit's training rows only), with the same era CV, scored on the validation fold (the first split's test
/// eras), the test fold (the last split's) and the sealed eras (refit on every open era).
///
/// MMC and the correlation with the baseline are measured against the baseline's predictions of the same
/// rows; feature exposure and FNC against the data's own features (the variant's added columns are not
/// Numerai's). Stages are fitted without labels by the caller; nothing here sees a sealed label until the
/// sealed scores are computed, after every choice is made.
public struct FeatureLab: Sendable {
  /// A variant: a name for the table, the stages whose features it adds and the augmentation that adds training
  /// rows to every fit (none of either: the baseline).
  public struct Variant: Sendable {
    public var name: String
    public var stages: AppendedStages
    public var augmentation: TrainingAugmentation?
    public init(name: String, stages: AppendedStages = AppendedStages([]), augmentation: TrainingAugmentation? = nil) {
      self.name = name
      self.stages = stages
      self.augmentation = augmentation
    }
  }

  public let dataset: Dataset
  public let model: TrialConfiguration
  public let splits: [EraSplit]
  public let sealedEras: [String]

  /// A lab on `dataset` (features and targets as loaded) training `model` on `splits` (over the open eras).
  public init(dataset: Dataset, model: TrialConfiguration, splits: [EraSplit], sealedEras: [String]) throws {
    guard dataset.targetIndex(named: model.target) != nil else { throw MiningError("the data has no target column \(model.target)") }
    guard !splits.isEmpty else { throw MiningError("the lab needs at least one CV split") }
    self.dataset = dataset
    self.model = model
    self.splits = splits
    self.sealedEras = sealedEras
  }

  /// Scores the baseline (always first) and each of `variants`; `log` hears one line per fitted model.
  public func run(_ variants: [Variant], threads: Int, log: (String) -> Void = { _ in }) throws -> [LabResult] {
    let trainer = try ModelTrainers.trainer(GBDTModelTrainer.engineName, base: try model.parameters(over: BoostingParameters()))
    let all = [Variant(name: "baseline", stages: AppendedStages([]))] + variants
    let periods = self.periods()
    var baseline: [LabPeriod: [Double]] = [:]
    var results: [LabResult] = []
    for variant in all {
      let data = try variant.stages.apply(to: dataset)
      var scores: [LabScores] = []
      for (period, fit) in periods {
        let start = Date()
        let training = try AugmentedTraining.rows(
          data, trainRows: fit.trainRows, augmentation: variant.augmentation, target: model.target)
        let model = try trainer.fit(training, configuration: self.model, threads: threads, shouldStop: { false })
        let predictions = try model.predict(data, rows: fit.testRows, threads: threads)
        let seconds = Date().timeIntervalSince(start)
        log(String(format: "%@: %@ fitted on %d rows and predicted in %.1f s", variant.name, period.rawValue, training.rows.count + training.extraRowCount, seconds))
        if results.isEmpty { baseline[period] = predictions }
        var scored = try score(period, predictions: predictions, rows: fit.testRows, baseline: baseline[period]!, threads: threads)
        scored.fitSeconds = seconds
        scores.append(scored)
      }
      results.append(
        LabResult(variant: variant.name, stages: variant.stages.stages.map(\.spec), augmentation: variant.augmentation?.spec, scores: scores))
    }
    return results
  }

  /// Each period's rows to fit on and to score.
  func periods() -> [(LabPeriod, (trainRows: [Int], testRows: [Int]))] {
    func rows(_ eras: [String]) -> [Int] { dataset.rows(ofEras: eras.compactMap { dataset.eraIndex(of: $0) }) }
    var out: [(LabPeriod, (trainRows: [Int], testRows: [Int]))] = [
      (.validation, (rows(splits[0].trainEras), rows(splits[0].testEras)))
    ]
    if splits.count > 1 { out.append((.test, (rows(splits[splits.count - 1].trainEras), rows(splits[splits.count - 1].testEras)))) }
    if !sealedEras.isEmpty {
      let firstSealed = sealedEras.min()!
      out.append((.sealed, (rows(dataset.eras.filter { $0 < firstSealed }), rows(sealedEras))))
    }
    return out
  }

  private func score(_ period: LabPeriod, predictions: [Double], rows: [Int], baseline: [Double], threads: Int) throws -> LabScores {
    let target = dataset.targetIndex(named: model.target)!
    let eras = try EraEvaluation.evaluate(
      predictions: predictions, dataset: dataset, rows: rows, target: target, metaModel: baseline,
      featureColumns: Array(0..<dataset.featureCount), threads: threads)
    let corr = RollUp(eras.corr)
    func mean(_ values: [Double]?) -> Double { RollUp(values ?? []).mean }
    return LabScores(
      period: period, eras: eras.eras, perEraCorr: eras.corr, corrMean: corr.mean, sharpe: corr.sharpe,
      maxDrawdown: corr.maxDrawdown, maxFeatureExposure: mean(eras.maxExposure), fnc: mean(eras.fnc), mmc: mean(eras.mmc),
      baselineCorrelation: NumeraiMetrics.pearson(predictions, baseline))
  }
}
