import Foundation

/// The standard normal quantile function Φ⁻¹ (scipy's `norm.ppf`), by Wichura's algorithm AS241 (PPND16).
///
/// Relative error about 1e-16 over the whole open interval (0, 1); `p ≤ 0` gives −∞, `p ≥ 1` gives +∞ and NaN
/// stays NaN, as scipy does.
public enum NormalQuantile {
  /// Φ⁻¹(p).
  @inlinable
  public static func callAsFunction(_ p: Double) -> Double { value(p) }

  /// Φ⁻¹(p).
  @inlinable
  public static func value(_ p: Double) -> Double {
    if p.isNaN { return .nan }
    if p <= 0 { return p == 0 ? -.infinity : .nan }
    if p >= 1 { return p == 1 ? .infinity : .nan }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      return q * horner(Coefficients.centralNumerator, r) / horner(Coefficients.centralDenominator, r)
    }
    let r = (-log(q <= 0 ? p : 1 - p)).squareRoot()
    let x =
      r <= 5
      ? horner(Coefficients.nearNumerator, r - 1.6) / horner(Coefficients.nearDenominator, r - 1.6)
      : horner(Coefficients.tailNumerator, r - 5) / horner(Coefficients.tailDenominator, r - 5)
    return q < 0 ? -x : x
  }

  /// c[0] rⁿ⁻¹ + c[1] rⁿ⁻² + … + c[n−1], by Horner's rule (highest power first).
  @inlinable
  static func horner(_ c: [Double], _ r: Double) -> Double {
    var y = c[0]
    for k in 1..<c.count { y = y * r + c[k] }
    return y
  }

  /// AS241's rational approximations, highest power first: the central region |p − ½| ≤ 0.425 in
  /// r = 0.180625 − q²; then in r = √(−log min(p, 1 − p)), the near tails (r ≤ 5, shifted by 1.6) and the far
  /// tails (shifted by 5).
  @usableFromInline
  enum Coefficients {
    @usableFromInline static let centralNumerator: [Double] = [
      2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4, 4.5921953931549871457e+4,
      1.3731693765509461125e+4, 1.9715909503065514427e+3, 1.3314166789178437745e+2, 3.3871328727963666080e+0,
    ]
    @usableFromInline static let centralDenominator: [Double] = [
      5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4, 2.1213794301586595867e+4,
      5.3941960214247511077e+3, 6.8718700749205790830e+2, 4.2313330701600911252e+1, 1.0,
    ]
    @usableFromInline static let nearNumerator: [Double] = [
      7.7454501427834140764e-4, 2.2723844989269184583e-2, 2.4178072517745061177e-1, 1.2704582524523683826e+0,
      3.6478483247632045605e+0, 5.7694972214606914055e+0, 4.6303378461565452959e+0, 1.4234371107496835773e+0,
    ]
    @usableFromInline static let nearDenominator: [Double] = [
      1.0507500716444168432e-9, 5.4759380849953449460e-4, 1.5198666563616457197e-2, 1.4810397642748007459e-1,
      6.8976733498510000455e-1, 1.6763848301838038494e+0, 2.0531916266377588219e+0, 1.0,
    ]
    @usableFromInline static let tailNumerator: [Double] = [
      2.0103343992922881326e-7, 2.7115555687434875782e-5, 1.2426609473880784386e-3, 2.6532189526576123093e-2,
      2.9656057182850489123e-1, 1.7848265399172913358e+0, 5.4637849111641143699e+0, 6.6579046435011037772e+0,
    ]
    @usableFromInline static let tailDenominator: [Double] = [
      2.0442631033899397856e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.8686913114561325910e-4,
      1.4875361290850614853e-2, 1.3692988092273580531e-1, 5.9983220655588793769e-1, 1.0,
    ]
  }
}
