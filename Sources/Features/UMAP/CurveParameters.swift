import Foundation

/// The a and b of UMAP's embedded-space similarity 1 / (1 + a·d^(2b)), fitted (least squares, as umap-learn's
/// `find_ab_params` with scipy's `curve_fit`) to 1 below `minDist` and exp(−(d − minDist)/spread) above, on
/// 300 points over 0…3·spread.
struct CurveParameters: Codable, Equatable, Sendable {
  var a: Double
  var b: Double

  init(a: Double, b: Double) {
    self.a = a
    self.b = b
  }

  /// Levenberg–Marquardt from (1, 1), as `curve_fit`.
  init(minDist: Double, spread: Double) {
    let xs = (0..<300).map { 3 * spread * Double($0) / 299 }
    let ys = xs.map { $0 < minDist ? 1 : exp(-($0 - minDist) / spread) }
    func residuals(_ a: Double, _ b: Double) -> (r: [Double], ja: [Double], jb: [Double]) {
      var r: [Double] = []
      var ja: [Double] = []
      var jb: [Double] = []
      for (x, y) in zip(xs, ys) {
        let p = x > 0 ? pow(x, 2 * b) : 0
        let f = 1 / (1 + a * p)
        r.append(f - y)
        ja.append(-p * f * f)
        jb.append(x > 0 ? -a * p * 2 * log(x) * f * f : 0)
      }
      return (r, ja, jb)
    }
    func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
    var (a, b, lambda) = (1.0, 1.0, 1e-3)
    for _ in 0..<500 {
      let (r, ja, jb) = residuals(a, b)
      let (c0, g) = (cost(r), (zip(ja, r).reduce(0) { $0 + $1.0 * $1.1 }, zip(jb, r).reduce(0) { $0 + $1.0 * $1.1 }))
      let (haa, hab, hbb) = (
        ja.reduce(0) { $0 + $1 * $1 }, zip(ja, jb).reduce(0) { $0 + $1.0 * $1.1 }, jb.reduce(0) { $0 + $1 * $1 }
      )
      var improved = false
      while lambda < 1e12 {
        let (m11, m22) = (haa * (1 + lambda), hbb * (1 + lambda))
        let det = m11 * m22 - hab * hab
        let (da, db) = (-(m22 * g.0 - hab * g.1) / det, -(m11 * g.1 - hab * g.0) / det)
        let c1 = cost(residuals(a + da, b + db).r)
        if c1 < c0 {
          (a, b, lambda) = (a + da, b + db, max(lambda / 10, 1e-12))
          improved = abs(da) > 1e-15 * abs(a) || abs(db) > 1e-15 * abs(b)
          if (c0 - c1) <= 1e-15 * c0 { improved = false }
          break
        }
        lambda *= 10
      }
      if !improved { break }
    }
    self.a = a
    self.b = b
  }
}
