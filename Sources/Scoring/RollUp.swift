/// Summary of a per-era score series: mean, standard deviation (ddof 0), Sharpe and maximum drawdown.
///
/// NaN eras (an era whose score is undefined, e.g. a constant target) are left out, as pandas does.
/// Max drawdown is `max(cummax(cumsum) − cumsum)` over the eras in order; Sharpe is `mean / std`.
public struct RollUp: Sendable, Codable, Equatable {
  /// Mean per-era score.
  public let mean: Double
  /// Population standard deviation (ddof 0), numerai-tools' `sharpe_ratio` convention.
  public let std: Double
  /// `mean / std`.
  public let sharpe: Double
  /// The largest fall of the cumulative score from its running peak; 0 when it never falls.
  public let maxDrawdown: Double

  /// Rolls up every era's score, in era order.
  public init(_ perEra: [Double]) {
    let values = perEra.filter { !$0.isNaN }
    guard !values.isEmpty else {
      mean = .nan
      std = .nan
      sharpe = .nan
      maxDrawdown = .nan
      return
    }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    var cumulative = 0.0
    var peak = -Double.infinity
    var drawdown = 0.0
    for v in values {
      cumulative += v
      peak = max(peak, cumulative)
      drawdown = max(drawdown, peak - cumulative)
    }
    self.mean = mean
    self.std = std
    self.sharpe = mean / std
    self.maxDrawdown = drawdown
  }

  /// Rolls up only the last `lastEras` eras (all of them when there are fewer).
  public init(_ perEra: [Double], lastEras: Int) {
    self.init(Array(perEra.suffix(max(0, lastEras))))
  }
}
