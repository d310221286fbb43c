/// Summary of a per-era series: mean, standard deviation (ddof 0), Sharpe = mean / std, and max drawdown =
/// max(cummax(cumsum) − cumsum), as Numerai's example scripts compute it (the running maximum starts at the
/// first era's cumulative value).
public struct RollUp: Sendable, Codable, Equatable {
  public var mean: Double
  public var std: Double
  public var sharpe: Double
  public var maxDrawdown: Double

  /// The roll-up of `perEra` (in era order); all NaN for an empty series.
  public init(_ perEra: [Double]) {
    let n = Double(perEra.count)
    guard !perEra.isEmpty else {
      (mean, std, sharpe, maxDrawdown) = (.nan, .nan, .nan, .nan)
      return
    }
    mean = perEra.reduce(0, +) / n
    let m = mean
    std = (perEra.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
    sharpe = mean / std
    var cumulative = 0.0
    var peak = -Double.infinity
    var drawdown = 0.0
    for x in perEra {
      cumulative += x
      peak = max(peak, cumulative)
      drawdown = max(drawdown, peak - cumulative)
    }
    maxDrawdown = drawdown
  }

  /// The roll-up of the last `n` eras only.
  public init(_ perEra: [Double], last n: Int) { self.init(Array(perEra.suffix(n))) }
}
