import Foundation
import Mining

extension HTMLReport {
  /// The sealed eras' section: CV (whole-period) Sharpe against sealed Sharpe for every trial `holdout` scored,
  /// with the fit line (the seed's key plot one step further out), and validation → test → whole → sealed per
  /// model. Empty when no holdout was run.
  public static func sealedSection(_ holdout: [HoldoutScore], results: [TrialResult]) -> String {
    guard !holdout.isEmpty else { return "" }
    let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
    return "<h2>Sealed eras</h2>\n" + sealedScatter(holdout, byID) + sealedTable(holdout, byID)
  }

  private static func sealedScatter(_ holdout: [HoldoutScore], _ byID: [Int: TrialResult]) -> String {
    let points = holdout.compactMap { h -> (HoldoutScore, Double, Double)? in
      guard let id = h.trial, let cv = byID[id]?.wholeSharpe, let sealed = h.sharpe else { return nil }
      return (h, cv, sealed)
    }
    guard !points.isEmpty else { return "" }
    var chart = Chart(
      width: 760, height: 420, xs: points.map(\.1), ys: points.map(\.2), title: "CV vs sealed Sharpe (\(points.count) models)",
      xLabel: "whole-period CV Sharpe", yLabel: "sealed-era Sharpe")
    var caption = "Too few models for a fit line."
    if let fit = drawFitLine(&chart, points.map { ($0.1, $0.2) }) {
      caption = String(format: "Best fit: sealed = %.3f + %.3f × CV; correlation r = %.3f", fit.a, fit.b, fit.r)
    }
    for (h, cv, sealed) in points {
      let marker = h.name == "benchmark" ? star(chart.x(cv), chart.y(sealed), 10)
        : "<circle class=\"\(h.beatsBenchmark ? "beats" : "trial")\" cx=\"\(chart.x(cv))\" cy=\"\(chart.y(sealed))\" r=\"4.5\"><title>\(htmlEscape(h.name)): CV \(String(format: "%.3f", cv)), sealed \(String(format: "%.3f", sealed))</title></circle>"
      chart.body.append(marker)
    }
    return "<p class=\"summary\">\(htmlEscape(caption))</p>\n" + chart.svg
  }

  private static func sealedTable(_ holdout: [HoldoutScore], _ byID: [Int: TrialResult]) -> String {
    func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "–" }
    var html = "<table><thead><tr><th>model</th><th>validation Sharpe</th><th>test Sharpe</th><th>whole Sharpe</th><th>sealed Sharpe</th><th>sealed corr</th><th>sealed max drawdown</th><th>sealed MMC</th><th></th></tr></thead><tbody>"
    for h in holdout {
      let cv = h.trial.flatMap { byID[$0] }
      let badge = h.name == "benchmark" ? "<span class=\"bench\">benchmark</span>" : h.beatsBenchmark ? "<span class=\"badge\">beats</span>" : ""
      html += "<tr><td>\(htmlEscape(h.name))</td><td>\(f(cv?.validationSharpe))</td><td>\(f(cv?.testSharpe))</td><td>\(f(cv?.wholeSharpe))</td><td>\(f(h.sharpe))</td><td>\(f(h.corr))</td><td>\(f(h.maxDrawdown))</td><td>\(f(h.mmc))</td><td>\(badge)</td></tr>"
    }
    return html + "</tbody></table>"
  }
}
