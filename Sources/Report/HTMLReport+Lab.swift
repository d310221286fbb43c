import Foundation
import Mining

extension HTMLReport {
  /// The feature lab's page: per period (validation, test, sealed) the seed's table — corr, Sharpe, max
  /// drawdown, max feature exposure, FNC, MMC and correlation with the baseline — and each variant's cumulative
  /// per-era corr, the baseline dashed.
  public static func renderLab(title: String, results: [LabResult]) -> String {
    let sections = LabPeriod.allCases.compactMap { period -> String? in
      let rows = results.compactMap { r in r.scores(on: period).map { (r, $0) } }
      guard !rows.isEmpty else { return nil }
      return "<h2>\(period.rawValue.capitalized) eras</h2>\n" + labTable(rows) + labCumulative(rows, period: period)
    }
    let summary = "<p class=\"summary\">The baseline model on the data's own features against the same model with each variant's features added; same splits, same eras. MMC and the correlation are against the baseline's predictions; exposure and FNC against the data's own features.</p>"
    return page(title: title, body: summary + "\n" + sections.joined(separator: "\n"))
  }

  static func labTable(_ rows: [(LabResult, LabScores)]) -> String {
    func f(_ x: Double) -> String { x.isFinite ? String(format: "%.4f", x) : "–" }
    let header = "<tr><th style=\"text-align:left\">variant</th><th>corr</th><th>Sharpe</th><th>max drawdown</th><th>max exposure</th><th>FNC</th><th>MMC</th><th>corr with baseline</th></tr>"
    let body = rows.map { r, s in
      "<tr><td class=\"config\">\(htmlEscape(r.variant))</td><td>\(f(s.corrMean))</td><td>\(f(s.sharpe))</td><td>\(f(s.maxDrawdown))</td><td>\(f(s.maxFeatureExposure))</td><td>\(f(s.fnc))</td><td>\(f(s.mmc))</td><td>\(f(s.baselineCorrelation))</td></tr>"
    }
    return "<table>\(header)\n\(body.joined(separator: "\n"))</table>\n"
  }

  static func labCumulative(_ rows: [(LabResult, LabScores)], period: LabPeriod) -> String {
    let series = rows.map { _, s -> [Double] in
      var sum = 0.0
      return s.perEraCorr.map { c in
        sum += c.isNaN ? 0 : c
        return sum
      }
    }
    let count = series.map(\.count).max() ?? 0
    guard count > 0 else { return "" }
    var chart = Chart(
      width: 1100, height: 340, xs: (0..<count).map(Double.init), ys: series.flatMap { $0 } + [0],
      title: "Cumulative per-era numerai corr, \(period.rawValue) eras", xLabel: "era", yLabel: "cumulative corr")
    let colors = ["#1d2433", "#5b7bd5", "#e8663d", "#2a9d8f", "#9b5de5", "#8d6e63", "#f2b705"]
    for (k, ((result, _), s)) in zip(rows, series).enumerated() {
      let path = s.enumerated().map { String(format: "%@%.1f,%.1f", $0.offset == 0 ? "M" : "L", chart.x(Double($0.offset)), chart.y($0.element)) }.joined()
      let color = colors[k % colors.count]
      let dash = k == 0 ? " stroke-dasharray=\"6 3\"" : ""
      chart.body.append("<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
      chart.body.append(
        "<line x1=\"66\" y1=\"\(44 + 14 * Double(k))\" x2=\"84\" y2=\"\(44 + 14 * Double(k))\" stroke=\"\(color)\" stroke-width=\"2.5\"\(dash)/><text class=\"legend\" x=\"90\" y=\"\(48 + 14 * Double(k))\">\(htmlEscape(result.variant))</text>")
    }
    return chart.svg
  }
}
