import Foundation

/// Φ⁻¹, the standard normal quantile function (scipy's `norm.ppf`), accurate to a few ulps on (0, 1).
///
/// A classic rational start (Abramowitz & Stegun 26.2.23, error < 4.5e-4) refined by two Halley steps on
/// Φ(x) − p with Φ computed from the C library's `erfc`, which is accurate in both tails: each step cubes the
/// error (4.5e-4 → ~1e-10 → below machine precision). The upper half uses Φ⁻¹(p) = −Φ⁻¹(1 − p), exact there because
/// 1 − p is exact for p ≥ 0.5.
public enum NormalQuantile {
  /// Φ⁻¹(p); −∞ at 0, +∞ at 1, NaN outside [0, 1].
  @inlinable
  public static func of(_ p: Double) -> Double {
    guard p > 0, p < 1 else { return p == 0 ? -.infinity : p == 1 ? .infinity : .nan }
    if p > 0.5 { return -lowerHalf(1 - p) }
    return lowerHalf(p)
  }

  /// Φ(x) = erfc(−x/√2)/2.
  @inlinable
  public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x * 0.707_106_781_186_547_524_4) }

  @usableFromInline
  static func lowerHalf(_ p: Double) -> Double {
    let t = (-2 * log(p)).squareRoot()
    var x =
      -(t - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t) / (1 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t))
    for _ in 0..<2 {
      // Halley: u = (Φ(x) − p)/φ(x); x ← x − u/(1 + x·u/2).
      let e = cdf(x) - p
      let u = e * (2 * Double.pi).squareRoot() * exp(0.5 * x * x)
      x -= u / (1 + 0.5 * x * u)
    }
    return x
  }
}
