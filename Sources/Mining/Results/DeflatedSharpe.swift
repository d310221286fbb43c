import Foundation
import Scoring

/// The deflated Sharpe ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio", 2014): the probability that
/// a trial's true Sharpe exceeds what the best of `trials` unskilled trials would show by luck, given the
/// non-normality (skewness, kurtosis) of its per-era returns. Ranking by it corrects the winner's curse of
/// picking the best of many by in-sample Sharpe.
public enum DeflatedSharpe {
  /// Euler–Mascheroni constant.
  static let gamma = 0.577_215_664_901_532_9

  /// E[max Sharpe] of `trials` independent unskilled trials whose Sharpe estimates have variance `variance`:
  /// √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))).
  public static func expectedMaximum(trials: Int, variance: Double) -> Double {
    let n = Double(trials)
    return variance.squareRoot()
      * ((1 - gamma) * NormalQuantile.value(1 - 1 / n) + gamma * NormalQuantile.value(1 - 1 / (n * M_E)))
  }

  /// Φ((SR − SR₀) √(T − 1) / √(1 − γ₃ SR + (γ₄ − 1)/4 SR²)), with SR₀ = `expectedMaximum`; all Sharpe ratios per
  /// observation (per era, not annualised), `kurtosis` not in excess (3 for a normal). Nil with fewer than 2
  /// trials or observations, or when the denominator is not positive.
  public static func ratio(
    sharpe: Double, observations: Int, skewness: Double, kurtosis: Double, trials: Int, sharpeVariance: Double
  ) -> Double? {
    guard trials >= 2, observations >= 2, sharpeVariance >= 0 else { return nil }
    let threshold = expectedMaximum(trials: trials, variance: sharpeVariance)
    let spread = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe
    guard spread > 0 else { return nil }
    let z = (sharpe - threshold) * Double(observations - 1).squareRoot() / spread.squareRoot()
    return 0.5 * erfc(-z / 2.0.squareRoot())
  }

  /// Skewness and (non-excess) kurtosis of a series, population moments.
  public static func moments(_ x: [Double]) -> (skewness: Double, kurtosis: Double) {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    let m2 = x.reduce(0) { $0 + pow($1 - mean, 2) } / n
    let m3 = x.reduce(0) { $0 + pow($1 - mean, 3) } / n
    let m4 = x.reduce(0) { $0 + pow($1 - mean, 4) } / n
    return (m3 / pow(m2, 1.5), m4 / (m2 * m2))
  }
}

extension TrialResults {
  /// Each finished full-fidelity trial's deflated Sharpe (whole period, per-era corr; N = those trials, V = the
  /// sample variance of their whole Sharpe) and the worse of its two folds' Sharpe.
  static func markSelectionScores(_ results: inout [TrialResult]) {
    let finished = results.indices.filter {
      !results[$0].isBenchmark && results[$0].fidelity == 1 && results[$0].wholeSharpe != nil
    }
    let sharpes = finished.map { results[$0].wholeSharpe! }
    let mean = sharpes.reduce(0, +) / Double(max(1, sharpes.count))
    let variance = sharpes.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, sharpes.count - 1))
    for i in results.indices {
      if let v = results[i].validationSharpe, let t = results[i].testSharpe { results[i].worseFoldSharpe = min(v, t) }
    }
    for i in finished {
      let series = results[i].perEraCorr.sorted { $0.key < $1.key }.map(\.value)
      let (skewness, kurtosis) = DeflatedSharpe.moments(series)
      results[i].deflatedSharpe = DeflatedSharpe.ratio(
        sharpe: results[i].wholeSharpe!, observations: series.count, skewness: skewness, kurtosis: kurtosis,
        trials: finished.count, sharpeVariance: variance
      ).flatMap { $0.isFinite ? $0 : nil }
    }
  }
}
