import Foundation
import Mining
import Report

/// `/trial/N`: one trial's configuration, its split runs (state, owner, timing), its scores, its per-era corr
/// and its cumulative corr against the benchmark's.
enum TrialPage {
  static func render(_ snapshot: StudySnapshot, trial: StoredTrial, result r: TrialResult, now: Date = Date()) -> String
  {
    var body =
      "<p class=\"summary\">Proposed by \(htmlEscape(trial.sampler)), trained by \(htmlEscape(trial.engine)); \(r.status.rawValue)"
    body +=
      r.isBenchmark
      ? " <span class=\"bench\">benchmark</span>"
      : r.beatsBenchmark ? " <span class=\"badge\">beats the benchmark</span>" : ""
    body += "</p>" + configuration(trial) + splits(snapshot, trial: trial.id, now: now) + scores(r)
    if r.status == .done {
      body += "<h2>Per-era corr</h2>" + eraBars(r)
      let lines = [r] + (r.isBenchmark ? [] : snapshot.done.filter(\.isBenchmark))
      body +=
        "<h2>Cumulative corr against the benchmark</h2>"
        + HTMLReport.cumulativeChart(lines, title: "Cumulative per-era numerai corr (out of fold)")
    }
    return PageLayout.render(title: "Trial \(trial.id)", path: "/trial", snapshot: snapshot, body: body)
  }

  static func configuration(_ trial: StoredTrial) -> String {
    var html = "<h2>Configuration</h2><table class=\"compact\"><tbody>"
    for (name, value) in trial.configuration.values.sorted(by: { $0.key < $1.key }) {
      html +=
        "<tr><td class=\"left\">\(htmlEscape(name))</td><td class=\"left\">\(htmlEscape(Scale.label(value)))</td></tr>"
    }
    return html
      + "<tr><td class=\"left\">target</td><td class=\"left\">\(htmlEscape(trial.configuration.target))</td></tr></tbody></table>"
  }

  static func splits(_ snapshot: StudySnapshot, trial: Int, now: Date) -> String {
    var html =
      "<h2>Split runs</h2><table><thead><tr><th>split</th><th class=\"left\">test eras</th><th class=\"left\">state</th><th class=\"left\">owner</th><th>training seconds</th><th>claims</th><th>last heartbeat</th></tr></thead><tbody>"
    for run in snapshot.runs where run.trial == trial {
      let eras = run.split < snapshot.layout.splits.count ? snapshot.layout.splits[run.split].testEras : []
      let span = eras.isEmpty ? "–" : "\(eras.first!) … \(eras.last!)"
      let ago = run.lastHeartbeat.map { "\(max(0, Int(now.timeIntervalSince1970 - $0))) s ago" } ?? "–"
      html +=
        "<tr><td>\(run.split + 1)</td><td class=\"left\">\(htmlEscape(span))</td><td class=\"left\">\(run.state.rawValue)</td>"
      html +=
        "<td class=\"left\">\(htmlEscape(run.owner ?? "–"))</td><td>\(PageLayout.number(run.seconds, "%.2f"))</td><td>\(run.claims)</td><td>\(ago)</td></tr>"
    }
    return html + "</tbody></table>"
  }

  static func scores(_ r: TrialResult) -> String {
    let rows: [(String, Double?, Double?, Double?)] = [
      ("numerai corr", r.validationCorr, r.testCorr, r.wholeCorr),
      ("Sharpe", r.validationSharpe, r.testSharpe, r.wholeSharpe),
      ("max drawdown", r.validationMaxDrawdown, r.testMaxDrawdown, r.wholeMaxDrawdown),
      ("Pearson", r.validationPearson, r.testPearson, r.wholePearson),
      ("MMC vs benchmark", r.validationMmc, r.testMmc, r.wholeMmc),
    ]
    var html =
      "<h2>Scores</h2><table class=\"compact\"><thead><tr><th class=\"left\"></th><th>validation</th><th>test</th><th>whole</th></tr></thead><tbody>"
    for (name, v, t, w) in rows {
      html +=
        "<tr><td class=\"left\">\(name)</td><td>\(PageLayout.number(v))</td><td>\(PageLayout.number(t))</td><td>\(PageLayout.number(w))</td></tr>"
    }
    html +=
      "<tr><td class=\"left\">deflated Sharpe</td><td></td><td></td><td>\(PageLayout.number(r.deflatedSharpe))</td></tr>"
    return html
      + "<tr><td class=\"left\">corr with benchmark</td><td></td><td></td><td>\(PageLayout.number(r.benchmarkCorrelation))</td></tr></tbody></table>"
  }

  /// One bar per out-of-fold era, up for positive corr, down for negative.
  static func eraBars(_ r: TrialResult) -> String {
    let eras = r.perEraCorr.keys.sorted()
    guard !eras.isEmpty else { return "<p class=\"summary\">No era has a finite corr.</p>" }
    let values = eras.map { r.perEraCorr[$0]! }
    var chart = Chart(
      width: 1100, height: 300, xs: [-0.5, Double(eras.count) - 0.5], ys: values + [0], title: "numerai corr per era",
      xLabel: "era (\(eras.first!) … \(eras.last!))", yLabel: "corr")
    let width = max(1, (chart.x(1) - chart.x(0)) * 0.8)
    let zero = chart.y(0)
    for (k, v) in values.enumerated() {
      let y = chart.y(v)
      chart.body.append(
        "<rect class=\"\(v >= 0 ? "trial" : "beats")\" x=\"\(chart.x(Double(k)) - width / 2)\" y=\"\(min(y, zero))\" width=\"\(width)\" height=\"\(max(0.5, abs(y - zero)))\"><title>\(htmlEscape(eras[k])): \(String(format: "%.4f", v))</title></rect>"
      )
    }
    return chart.svg
  }
}
