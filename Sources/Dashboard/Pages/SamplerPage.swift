import Foundation
import Mining
import Report

/// `/sampler`: for a gfn study, per hyperparameter the policy's current marginal beside what the finished
/// trials of each level scored; for other samplers, a message saying so.
enum SamplerPage {
  static func render(_ snapshot: StudySnapshot, marginals: Result<[PolicyMarginal], MiningError>?) -> String {
    let samplers = Dictionary(grouping: snapshot.trials.filter { !$0.isBenchmark }, by: \.sampler).mapValues(\.count)
    let used = samplers.sorted { $0.key < $1.key }.map { "\(htmlEscape($0.key)) (\($0.value))" }.joined(separator: ", ")
    var body: String
    if samplers["gfn"] == nil {
      body =
        "<p class=\"note\">This page shows a GFlowNet policy; this study's trials were proposed by \(used.isEmpty ? "no sampler yet" : used). Mine with <code>--sampler gfn</code> to see one.</p>"
    } else {
      switch marginals {
      case nil:
        body =
          "<p class=\"note\">The gfn sampler has not saved a policy yet (it saves one after its first observed batch).</p>"
      case .failure(let error)?: body = "<p class=\"note\">\(htmlEscape(error.description))</p>"
      case .success(let marginals)?:
        body =
          "<p class=\"summary\">Proposed by: \(used). Bars: the policy's probability of each level now (4096 on-policy draws); beside them the finished gfn trials of that level and their mean Sharpe.</p>"
        let finished = snapshot.done.filter { $0.sampler == "gfn" }
        body += marginals.map { table($0, finished: finished) }.joined()
      }
    }
    return PageLayout.render(title: "Sampler", path: "/sampler", snapshot: snapshot, body: body)
  }

  static func table(_ m: PolicyMarginal, finished: [TrialResult]) -> String {
    let top = max(1e-12, m.probabilities.max() ?? 1)
    var html =
      "<h2>\(htmlEscape(m.name))</h2><table class=\"compact\"><thead><tr><th class=\"left\">level</th><th class=\"left\">policy</th><th>probability</th><th>trials</th><th>mean validation Sharpe</th><th>mean whole Sharpe</th></tr></thead><tbody>"
    for k in m.labels.indices {
      let members = finished.filter { r in
        m.name == "target"
          ? r.target == m.labels[k]
          : r.config[m.name].map { v in m.levels[k].contains { abs($0 - v) <= 1e-9 * max(1, abs(v)) } } ?? false
      }
      let bar =
        "<svg width=\"240\" height=\"14\"><rect x=\"0\" y=\"1\" width=\"\(String(format: "%.1f", 240 * m.probabilities[k] / top))\" height=\"12\" class=\"trial\"/></svg>"
      html +=
        "<tr><td class=\"left\">\(htmlEscape(m.labels[k]))</td><td class=\"left\">\(bar)</td><td>\(String(format: "%.3f", m.probabilities[k]))</td>"
      html +=
        "<td>\(members.count)</td><td>\(PageLayout.number(mean(members.compactMap(\.validationSharpe)), "%.3f"))</td><td>\(PageLayout.number(mean(members.compactMap(\.wholeSharpe)), "%.3f"))</td></tr>"
    }
    return html + "</tbody></table>"
  }

  static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
}
