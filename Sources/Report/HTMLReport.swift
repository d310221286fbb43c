import Foundation
import Mining
import Scoring

/// The study report: one self-contained HTML file (inline CSS and SVG, no script, no external asset).
///
/// Charts: validation vs test Sharpe for every trial with the least-squares line, its equation and
/// correlation, and the benchmark as a star (the Signal Miner seed's key plot); the CV splits over the eras;
/// each hyperparameter against validation and test Sharpe; the cumulative per-era corr of the top five and
/// the benchmark; and the leaderboard.
public enum HTMLReport {
  /// Renders the report of `results` (from `TrialResults.compute`) for a study with `splits` over `eras`.
  /// `holdout`: the sealed-era scores the study keeps (its "Sealed eras" section; none, none shown).
  public static func render(
    title: String, results: [TrialResult], splits: [EraSplit], eras: [String], holdout: [HoldoutScore] = []
  ) -> String {
    let done = results.filter { $0.status == .done }
    let benchmark = done.first { $0.isBenchmark }
    var sections: [String] = []
    sections.append(scatter(done))
    sections.append(splitChart(splits, eras: eras))
    sections.append(parameterCharts(done))
    sections.append(pipelineCharts(done))
    sections.append(cumulative(done))
    sections.append(sealedSection(holdout, results: results))
    sections.append(leaderboard(done))
    let beating = done.filter(\.beatsBenchmark).count
    let summary = """
      <p class="summary">\(done.count) of \(results.count) trials finished; \(beating) beat the benchmark \
      (whole-period corr and Sharpe both higher)\(benchmark.flatMap { b in b.wholeSharpe.map { String(format: "; benchmark whole Sharpe %.3f", $0) } } ?? "").</p>
      """
    return page(title: title, body: summary + "\n" + sections.joined(separator: "\n"))
  }

  /// A self-contained HTML page (the report's stylesheet) with `title` as its heading and `body` below it.
  public static func page(title: String, body: String) -> String {
    """
      <!DOCTYPE html>
      <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><title>\(htmlEscape(title))</title>
      <style>
      \(style)
      </style></head><body>
      <h1>\(htmlEscape(title))</h1>
      \(body)
      </body></html>
      """
  }

  /// The report's stylesheet (also the dashboard's): page, charts, tables, badges.
  public static let style = """
    body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2433; margin: 2em auto; max-width: 1180px; padding: 0 1em; }
    h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #e3e6ec; padding-bottom: .3em; }
    .summary { color: #4b5565; } svg { background: #fff; } .frame { fill: #fbfcfe; stroke: #c9ced8; } .grid { stroke: #eceef3; }
    .tick { font-size: 11px; fill: #6b7280; } .axis { font-size: 12px; fill: #374151; } .title { font-size: 13px; font-weight: 600; fill: #1d2433; }
    .trial { fill: #5b7bd5; fill-opacity: .55; } .beats { fill: #e8663d; fill-opacity: .8; } .star { fill: #f2b705; stroke: #7a5c00; }
    .fit { stroke: #1d2433; stroke-dasharray: 5 4; } .legend { font-size: 11px; fill: #374151; }
    .grid-charts { display: flex; flex-wrap: wrap; gap: 10px; }
    table { border-collapse: collapse; width: 100%; font-size: 12.5px; } th, td { padding: 4px 8px; border-bottom: 1px solid #eceef3; text-align: right; }
    th { background: #f4f6fa; position: sticky; top: 0; } td.config { text-align: left; color: #4b5565; font-family: ui-monospace, Menlo, monospace; font-size: 11.5px; }
    .badge { background: #e8663d; color: #fff; border-radius: 3px; padding: 1px 5px; } .bench { background: #f2b705; color: #3b2c00; border-radius: 3px; padding: 1px 5px; }
    """

  /// A five-pointed star centred at (cx, cy): the benchmark's mark.
  public static func star(_ cx: Double, _ cy: Double, _ r: Double) -> String {
    let points = (0..<10).map { k -> String in
      let angle = Double.pi / 2 + Double(k) * Double.pi / 5
      let radius = k % 2 == 0 ? r : r * 0.45
      return String(format: "%.1f,%.1f", cx + radius * cos(angle), cy - radius * sin(angle))
    }
    return "<polygon class=\"star\" points=\"\(points.joined(separator: " "))\"/>"
  }

  /// Validation vs test Sharpe of every finished trial, with the fit line and the benchmark as a star.
  public static func scatter(_ done: [TrialResult]) -> String {
    let points = done.compactMap { r -> (TrialResult, Double, Double)? in
      guard let v = r.validationSharpe, let t = r.testSharpe, v.isFinite, t.isFinite else { return nil }
      return (r, v, t)
    }
    var chart = Chart(
      width: 760, height: 470, xs: points.map(\.1), ys: points.map(\.2),
      title: "Validation vs test Sharpe (\(points.count) trials)", xLabel: "validation Sharpe (first test fold)",
      yLabel: "test Sharpe (last test fold)")
    var caption = "Too few finished trials for a fit line."
    if let fit = drawFitLine(&chart, points.map { ($0.1, $0.2) }) {
      caption = String(format: "Best fit: test = %.3f + %.3f × validation; correlation r = %.3f", fit.a, fit.b, fit.r)
      chart.body.append("<text class=\"legend\" x=\"66\" y=\"44\">\(htmlEscape(caption))</text>")
    }
    for (r, v, t) in points where !r.isBenchmark {
      chart.body.append(
        "<circle class=\"\(r.beatsBenchmark ? "beats" : "trial")\" cx=\"\(chart.x(v))\" cy=\"\(chart.y(t))\" r=\"4.5\"><title>trial \(r.id): validation \(String(format: "%.3f", v)), test \(String(format: "%.3f", t))</title></circle>")
    }
    if let b = points.first(where: { $0.0.isBenchmark }) { chart.body.append(star(chart.x(b.1), chart.y(b.2), 10)) }
    chart.body.append("<circle class=\"trial\" cx=\"\(chart.width - 230)\" cy=\"44\" r=\"4.5\"/><text class=\"legend\" x=\"\(chart.width - 220)\" y=\"48\">trial</text>")
    chart.body.append("<circle class=\"beats\" cx=\"\(chart.width - 180)\" cy=\"44\" r=\"4.5\"/><text class=\"legend\" x=\"\(chart.width - 170)\" y=\"48\">beats benchmark</text>")
    chart.body.append(star(chart.width - 70, 44, 7) + "<text class=\"legend\" x=\"\(chart.width - 60)\" y=\"48\">benchmark</text>")
    return "<h2>Validation vs test Sharpe</h2>\n<p class=\"summary\">\(htmlEscape(caption))</p>\n" + chart.svg
  }

  /// Draws the least-squares line of `points` across the chart; returns it (nil with too few points).
  static func drawFitLine(_ chart: inout Chart, _ points: [(Double, Double)]) -> (a: Double, b: Double, r: Double)? {
    guard let fit = fitLine(points) else { return nil }
    // Clipped to the frame: from where the line enters the plotting area to where it leaves it.
    var x0 = chart.x.low, x1 = chart.x.high
    if fit.b != 0 {
      let ends = [(chart.y.low - fit.a) / fit.b, (chart.y.high - fit.a) / fit.b]
      x0 = max(x0, ends.min()!)
      x1 = min(x1, ends.max()!)
    }
    guard x0 < x1 else { return fit }
    chart.body.append(
      "<line class=\"fit\" x1=\"\(chart.x(x0))\" y1=\"\(chart.y(fit.a + fit.b * x0))\" x2=\"\(chart.x(x1))\" y2=\"\(chart.y(fit.a + fit.b * x1))\"/>")
    return fit
  }

  /// The CV splits over the eras: train, gap and test per split.
  public static func splitChart(_ splits: [EraSplit], eras: [String]) -> String {
    guard !eras.isEmpty else { return "" }
    let width = 1100.0
    let rowHeight = 26.0
    let height = 50 + rowHeight * Double(splits.count) + 20
    let scale = (width - 140) / Double(eras.count)
    var body: [String] = []
    for (s, split) in splits.enumerated() {
      let y = 30 + rowHeight * Double(s)
      body.append("<text class=\"axis\" x=\"8\" y=\"\(y + 15)\">split \(s + 1)\(s == 0 ? " (validation)" : s == splits.count - 1 ? " (test)" : "")</text>")
      let train = Set(split.trainEras)
      let test = Set(split.testEras)
      for (e, era) in eras.enumerated() {
        let color = train.contains(era) ? "#5b7bd5" : test.contains(era) ? "#e8663d" : "#e3e6ec"
        body.append("<rect x=\"\(130 + Double(e) * scale)\" y=\"\(y)\" width=\"\(max(scale, 0.5))\" height=\"\(rowHeight - 6)\" fill=\"\(color)\"><title>\(htmlEscape(era))</title></rect>")
      }
    }
    let bottom = 30 + rowHeight * Double(splits.count) + 12
    body.append("<text class=\"tick\" x=\"130\" y=\"\(bottom)\">\(htmlEscape(eras.first!))</text>")
    body.append("<text class=\"tick\" x=\"\(width - 10)\" y=\"\(bottom)\" text-anchor=\"end\">\(htmlEscape(eras.last!))</text>")
    body.append("<rect x=\"130\" y=\"8\" width=\"10\" height=\"10\" fill=\"#5b7bd5\"/><text class=\"legend\" x=\"144\" y=\"17\">train</text>")
    body.append("<rect x=\"190\" y=\"8\" width=\"10\" height=\"10\" fill=\"#e3e6ec\"/><text class=\"legend\" x=\"204\" y=\"17\">gap / unused</text>")
    body.append("<rect x=\"290\" y=\"8\" width=\"10\" height=\"10\" fill=\"#e8663d\"/><text class=\"legend\" x=\"304\" y=\"17\">test</text>")
    return "<h2>Cross-validation splits over \(eras.count) eras</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">\(body.joined())</svg>"
  }

  /// Each hyperparameter that varies against validation and test Sharpe.
  public static func parameterCharts(_ done: [TrialResult]) -> String {
    let names = Array(Set(done.filter { !$0.isBenchmark }.flatMap { $0.config.keys })).sorted()
    var charts: [String] = []
    for name in names {
      let values = done.compactMap { $0.config[name] }
      let distinct = Set(values)
      guard distinct.count > 1 else { continue }
      let positive = values.allSatisfy { $0 > 0 }
      let logX = positive && (values.max()! / values.min()!) > 100
      for (label, key) in [("validation", \TrialResult.validationSharpe), ("test", \TrialResult.testSharpe)] {
        let points = done.compactMap { r -> (TrialResult, Double, Double)? in
          guard let x = r.config[name], let y = r[keyPath: key], y.isFinite else { return nil }
          return (r, x, y)
        }
        var chart = Chart(
          width: 270, height: 210, xs: points.map(\.1), ys: points.map(\.2), logX: logX, title: "\(name) · \(label)",
          xLabel: name + (logX ? " (log)" : ""), yLabel: "\(label) Sharpe")
        for (r, x, y) in points {
          chart.body.append(r.isBenchmark ? star(chart.x(x), chart.y(y), 7) : "<circle class=\"\(r.beatsBenchmark ? "beats" : "trial")\" cx=\"\(chart.x(x))\" cy=\"\(chart.y(y))\" r=\"3\"/>")
        }
        charts.append(chart.svg)
      }
    }
    return "<h2>Hyperparameters against validation and test Sharpe</h2>\n<div class=\"grid-charts\">\(charts.joined())</div>"
  }

  /// Each pipeline dimension that varies (`features`, `augment`) against validation and test Sharpe: every
  /// trial a point in its value's column (spread sideways by id), the column's mean a bar.
  public static func pipelineCharts(_ done: [TrialResult]) -> String {
    let trials = done.filter { !$0.isBenchmark }
    var charts: [String] = []
    for (dimension, plain) in [("features", "raw"), ("augment", "none")] {
      let value = { (r: TrialResult) in r.pipeline[dimension] ?? plain }
      let categories = Array(Set(trials.map(value))).sorted()
      guard categories.count > 1 else { continue }
      for (label, key) in [("validation", \TrialResult.validationSharpe), ("test", \TrialResult.testSharpe)] {
        let points = trials.compactMap { r -> (TrialResult, Int, Double)? in
          guard let y = r[keyPath: key], y.isFinite else { return nil }
          return (r, categories.firstIndex(of: value(r))!, y)
        }
        var chart = Chart(
          width: 130 + 110 * Double(categories.count), height: 210, xs: [], ys: points.map(\.2), xCategories: categories,
          title: "\(dimension) · \(label)", xLabel: dimension, yLabel: "\(label) Sharpe")
        for (r, column, y) in points {
          let offset = (Double(r.id % 7) - 3) * 0.04
          chart.body.append("<circle class=\"\(r.beatsBenchmark ? "beats" : "trial")\" cx=\"\(chart.x(Double(column) + offset))\" cy=\"\(chart.y(y))\" r=\"3\"/>")
        }
        for column in categories.indices {
          let ys = points.filter { $0.1 == column }.map(\.2)
          guard !ys.isEmpty else { continue }
          let mean = ys.reduce(0, +) / Double(ys.count)
          chart.body.append(
            "<line class=\"mean\" x1=\"\(chart.x(Double(column) - 0.3))\" x2=\"\(chart.x(Double(column) + 0.3))\" y1=\"\(chart.y(mean))\" y2=\"\(chart.y(mean))\" stroke=\"#1d2433\" stroke-width=\"2\"><title>mean \(label) Sharpe \(String(format: "%.3f", mean)) over \(ys.count) trials</title></line>")
        }
        charts.append(chart.svg)
      }
    }
    guard !charts.isEmpty else { return "" }
    return "<h2>Pipelines against validation and test Sharpe</h2>\n<div class=\"grid-charts\">\(charts.joined())</div>"
  }

  /// The cumulative per-era corr of the top five by whole Sharpe and the benchmark.
  public static func cumulative(_ done: [TrialResult]) -> String {
    let top = done.filter { !$0.isBenchmark && $0.wholeSharpe != nil }.sorted { $0.wholeSharpe! > $1.wholeSharpe! }.prefix(5)
    let chart = cumulativeChart(Array(top) + done.filter(\.isBenchmark), title: "Cumulative per-era numerai corr (out of fold)")
    return chart.isEmpty ? "" : "<h2>Cumulative corr: top five and the benchmark</h2>\n" + chart
  }

  /// The cumulative per-era corr of `lines` (the benchmark dashed) as one SVG chart; empty without eras.
  public static func cumulativeChart(_ lines: [TrialResult], title: String) -> String {
    let eras = Array(Set(lines.flatMap { $0.perEraCorr.keys })).sorted()
    guard !eras.isEmpty else { return "" }
    let series = lines.map { r -> [Double] in
      var sum = 0.0
      return eras.map { e in
        sum += r.perEraCorr[e] ?? 0
        return sum
      }
    }
    var chart = Chart(
      width: 1100, height: 380, xs: eras.indices.map(Double.init), ys: series.flatMap { $0 } + [0],
      title: title, xLabel: "era (\(eras.first!) … \(eras.last!))", yLabel: "cumulative corr")
    let colors = ["#5b7bd5", "#e8663d", "#2a9d8f", "#9b5de5", "#8d6e63", "#f2b705"]
    for (k, (r, s)) in zip(lines, series).enumerated() {
      let path = s.enumerated().map { String(format: "%@%.1f,%.1f", $0.offset == 0 ? "M" : "L", chart.x(Double($0.offset)), chart.y($0.element)) }.joined()
      let color = r.isBenchmark ? "#1d2433" : colors[k % colors.count]
      chart.body.append("<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(r.isBenchmark ? 2.5 : 1.6)\"\(r.isBenchmark ? " stroke-dasharray=\"6 3\"" : "")/>")
      chart.body.append(
        "<line x1=\"66\" y1=\"\(44 + 14 * Double(k))\" x2=\"84\" y2=\"\(44 + 14 * Double(k))\" stroke=\"\(color)\" stroke-width=\"2.5\"/><text class=\"legend\" x=\"90\" y=\"\(48 + 14 * Double(k))\">\(r.isBenchmark ? "benchmark" : "trial \(r.id)")</text>")
    }
    return chart.svg
  }

  static func leaderboard(_ done: [TrialResult]) -> String {
    let rows = done.sorted { ($0.wholeSharpe ?? -.infinity) > ($1.wholeSharpe ?? -.infinity) }
    func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "–" }
    var html = "<h2>Leaderboard</h2>\n<table><thead><tr><th>trial</th><th>validation Sharpe</th><th>test Sharpe</th><th>whole corr</th><th>whole Sharpe</th><th>max drawdown</th><th>Pearson</th><th>MMC vs benchmark</th><th>corr with benchmark</th><th></th><th class=\"config\">configuration</th></tr></thead><tbody>"
    for r in rows {
      let badge = r.isBenchmark ? "<span class=\"bench\">benchmark</span>" : r.beatsBenchmark ? "<span class=\"badge\">beats</span>" : ""
      let config = (r.config.sorted { $0.key < $1.key }.map { "\($0.key)=\(Scale.label($0.value))" }
        + r.pipeline.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ") + " target=\(r.target)"
      html += "<tr><td>\(r.id)</td><td>\(f(r.validationSharpe))</td><td>\(f(r.testSharpe))</td><td>\(f(r.wholeCorr))</td><td>\(f(r.wholeSharpe))</td><td>\(f(r.wholeMaxDrawdown))</td><td>\(f(r.wholePearson))</td><td>\(f(r.wholeMmc))</td><td>\(f(r.benchmarkCorrelation))</td><td>\(badge)</td><td class=\"config\">\(htmlEscape(config))</td></tr>"
    }
    return html + "</tbody></table>"
  }
}
