/// Which eras a lab score is on: the validation fold (first CV split's test eras), the test fold (the last
/// split's) or the sealed eras.
public enum LabPeriod: String, Sendable, Codable, CaseIterable {
  case validation, test, sealed
}

/// One variant's scores on one period: the seed's table columns, and the per-era corr for the cumulative line.
public struct LabScores: Sendable, Codable, Equatable {
  public var period: LabPeriod
  public var eras: [String]
  public var perEraCorr: [Double]
  /// Mean per-era numerai corr.
  public var corrMean: Double
  /// Mean / std of per-era corr.
  public var sharpe: Double
  /// Largest fall of cumulative corr from its peak.
  public var maxDrawdown: Double
  /// Mean over eras of the largest |corr| of the predictions with one of the data's own features.
  public var maxFeatureExposure: Double
  /// Mean per-era feature-neutral corr (against the data's own features).
  public var fnc: Double
  /// Mean per-era correlation contribution against the baseline's predictions.
  public var mmc: Double
  /// Pearson correlation of the predictions with the baseline's over the period's rows.
  public var baselineCorrelation: Double
  /// Seconds to build the training rows, fit and predict.
  public var fitSeconds: Double = 0
}

/// A lab variant's scores on every period.
public struct LabResult: Sendable, Codable, Equatable {
  public var variant: String
  /// The specs of the stages it adds, in order (empty for the baseline).
  public var stages: [String]
  /// The spec of its training augmentation, if any.
  public var augmentation: String?
  public var scores: [LabScores]

  /// Its scores on `period`, when the lab had that period.
  public func scores(on period: LabPeriod) -> LabScores? { scores.first { $0.period == period } }
}
