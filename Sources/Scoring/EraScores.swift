/// Per-era scores of one prediction column, eras in ascending order.
///
/// `mmc` is present when a meta model was given, `fnc` and `maxExposure` when feature columns were.
public struct EraScores: Sendable {
  /// Era labels, one per score.
  public let eras: [String]
  /// numerai_corr per era.
  public let corr: [Double]
  /// Plain Pearson correlation of the raw predictions with the target per era (Signal Miner's original metric).
  public let pearson: [Double]
  /// correlation_contribution against the meta model per era.
  public let mmc: [Double]?
  /// feature_neutral_corr per era.
  public let fnc: [Double]?
  /// Max |corr| of the raw predictions with any feature per era.
  public let maxExposure: [Double]?

  /// Assembles scores; every present series must have one value per era.
  public init(
    eras: [String], corr: [Double], pearson: [Double], mmc: [Double]? = nil, fnc: [Double]? = nil,
    maxExposure: [Double]? = nil
  ) {
    precondition(corr.count == eras.count && pearson.count == eras.count, "one score per era")
    precondition([mmc, fnc, maxExposure].allSatisfy { $0 == nil || $0!.count == eras.count }, "one score per era")
    self.eras = eras
    self.corr = corr
    self.pearson = pearson
    self.mmc = mmc
    self.fnc = fnc
    self.maxExposure = maxExposure
  }

  /// The named metrics present, in a fixed order: `corr`, `pearson`, `mmc`, `fnc`, `max_exposure`.
  public var metrics: [(name: String, values: [Double])] {
    var out: [(String, [Double])] = [("corr", corr), ("pearson", pearson)]
    if let mmc { out.append(("mmc", mmc)) }
    if let fnc { out.append(("fnc", fnc)) }
    if let maxExposure { out.append(("max_exposure", maxExposure)) }
    return out
  }

  /// Roll-ups of every metric present, by the names of `metrics`.
  public func summary(lastEras: Int? = nil) -> [String: RollUp] {
    var out: [String: RollUp] = [:]
    for (name, values) in metrics {
      out[name] = lastEras.map { RollUp(values, lastEras: $0) } ?? RollUp(values)
    }
    return out
  }
}
