import Foundation

/// A linear or logarithmic axis scale with "nice" ticks.
public struct Scale: Sendable {
  public let low: Double
  public let high: Double
  let pixelLow: Double
  let pixelHigh: Double
  let logarithmic: Bool

  public init(_ values: [Double], pixels: ClosedRange<Double>, logarithmic: Bool = false, flipped: Bool = false) {
    let finite = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if logarithmic {
      lo = log10(lo)
      hi = log10(hi)
    }
    if lo == hi {
      lo -= 0.5
      hi += 0.5
    }
    let pad = (hi - lo) * 0.05
    low = lo - pad
    high = hi + pad
    pixelLow = flipped ? pixels.upperBound : pixels.lowerBound
    pixelHigh = flipped ? pixels.lowerBound : pixels.upperBound
    self.logarithmic = logarithmic
  }

  /// The pixel of value `x`.
  public func callAsFunction(_ x: Double) -> Double {
    let v = logarithmic ? log10(x) : x
    return pixelLow + (v - low) / (high - low) * (pixelHigh - pixelLow)
  }

  /// About five round tick values inside the domain.
  var ticks: [Double] {
    let span = high - low
    let raw = span / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.7 } ?? raw
    var out: [Double] = []
    var k = ceil(low / step)
    while k * step <= high + 1e-12 {
      // Multiples of the step, rounded to its precision (no accumulated error, no −0).
      let t = ((k * step) / magnitude).rounded() * magnitude + 0.0
      out.append(logarithmic ? pow(10, t) : t)
      k += 1
    }
    return out
  }

  /// A short tick label: `0.02`, `1500`, `1e-04`.
  public static func label(_ x: Double) -> String {
    if x == 0 { return "0" }
    if abs(x) >= 100_000 || abs(x) < 0.001 { return String(format: "%.0e", x) }
    if abs(x) >= 1000 { return String(Int(x.rounded())) }
    return String(format: "%g", (x * 1000).rounded() / 1000)
  }
}

/// Escapes text for HTML and SVG element content and quoted attribute values. Everything that comes from a
/// study (trial configurations are user JSON) goes through it.
public func htmlEscape(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    .replacingOccurrences(of: "'", with: "&#39;")
}

/// One SVG chart: axes with ticks and labels around a plotting area; marks are appended as SVG text.
public struct Chart: Sendable {
  public let width: Double
  public let height: Double
  public let x: Scale
  public let y: Scale
  /// The SVG elements drawn so far (frame, grid, ticks, labels, then the marks appended).
  public var body: [String] = []

  /// With `xCategories`, x is a category's index (0, 1, …) and each tick is labelled with its name.
  public init(
    width: Double, height: Double, xs: [Double], ys: [Double], logX: Bool = false, xCategories: [String]? = nil,
    title: String, xLabel: String, yLabel: String
  ) {
    self.width = width
    self.height = height
    let categories = xCategories ?? []
    x = Scale(categories.isEmpty ? xs : [-0.4, Double(categories.count) - 0.6], pixels: 56...(width - 16), logarithmic: logX)
    y = Scale(ys, pixels: 28...(height - 44), flipped: true)
    body.append("<text x=\"\(width / 2)\" y=\"16\" class=\"title\" text-anchor=\"middle\">\(htmlEscape(title))</text>")
    body.append("<rect x=\"56\" y=\"28\" width=\"\(width - 72)\" height=\"\(height - 72)\" class=\"frame\"/>")
    let xTicks = categories.isEmpty ? x.ticks.map { ($0, Scale.label($0)) } : categories.enumerated().map { (Double($0.offset), $0.element) }
    for (t, label) in xTicks {
      let px = x(t)
      body.append("<line x1=\"\(px)\" y1=\"28\" x2=\"\(px)\" y2=\"\(height - 44)\" class=\"grid\"/>")
      body.append("<text x=\"\(px)\" y=\"\(height - 30)\" class=\"tick\" text-anchor=\"middle\">\(htmlEscape(label))</text>")
    }
    for t in y.ticks {
      let py = y(t)
      body.append("<line x1=\"56\" y1=\"\(py)\" x2=\"\(width - 16)\" y2=\"\(py)\" class=\"grid\"/>")
      body.append("<text x=\"50\" y=\"\(py + 4)\" class=\"tick\" text-anchor=\"end\">\(Scale.label(t))</text>")
    }
    body.append("<text x=\"\(width / 2)\" y=\"\(height - 8)\" class=\"axis\" text-anchor=\"middle\">\(htmlEscape(xLabel))</text>")
    body.append(
      "<text x=\"14\" y=\"\(height / 2)\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(height / 2))\">\(htmlEscape(yLabel))</text>")
  }

  /// The chart as one `<svg>` element.
  public var svg: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
      + body.joined() + "</svg>"
  }
}

/// Least-squares line y = a + b·x and Pearson r of finite pairs.
func fitLine(_ points: [(Double, Double)]) -> (a: Double, b: Double, r: Double)? {
  let p = points.filter { $0.0.isFinite && $0.1.isFinite }
  guard p.count >= 2 else { return nil }
  let n = Double(p.count)
  let mx = p.reduce(0) { $0 + $1.0 } / n
  let my = p.reduce(0) { $0 + $1.1 } / n
  var sxy = 0.0, sxx = 0.0, syy = 0.0
  for (x, y) in p {
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) * (x - mx)
    syy += (y - my) * (y - my)
  }
  guard sxx > 0 else { return nil }
  let b = sxy / sxx
  return (my - b * mx, b, syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan)
}
