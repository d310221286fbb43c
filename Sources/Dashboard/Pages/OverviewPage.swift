import Foundation
import Mining
import Report

/// `/`: progress, pace, best so far, the miners at work, and the sealed-era scores when `holdout` was run.
enum OverviewPage {
  static func render(_ snapshot: StudySnapshot, now: Date = Date()) -> String {
    let o = Overview(snapshot)
    let share = o.splitsTotal > 0 ? Double(o.splitsDone) / Double(o.splitsTotal) : 0
    let cards: [(String, String, String)] = [
      ("done", "trials done", "\(o.done) / \(o.total)"),
      ("rate", "trials per hour (\(o.rateSource))", PageLayout.number(o.trialsPerHour, "%.1f")),
      ("eta", "ETA", o.etaSeconds.map(ProgressTracker.duration) ?? "–"),
      ("cpu", "training seconds, all splits", String(format: "%.0f s", o.cpuSeconds)),
      (
        "best", "best whole Sharpe",
        o.bestTrial.map { "<a href=\"/trial/\($0)\">\(PageLayout.number(o.bestWholeSharpe, "%.3f"))</a> (trial \($0))" }
          ?? "–"
      ),
      ("benchmark", "benchmark whole Sharpe", PageLayout.number(o.benchmarkWholeSharpe, "%.3f")),
      ("beaters", "beat the benchmark", "<a href=\"/leaderboard?beaters=1\">\(o.beaters)</a>"),
    ]
    var body =
      "<div class=\"bar\" title=\"\(o.splitsDone) of \(o.splitsTotal) splits\"><div style=\"width: \(String(format: "%.1f", share * 100))%\"></div></div>"
    body += "<p class=\"summary\" id=\"splits\">\(o.splitsDone) of \(o.splitsTotal) split runs finished, \(o.running) running.</p>"
    body +=
      "<div class=\"cards\">"
      + cards.map { id, label, value in
        "<div class=\"card\" id=\"card-\(id)\"><div class=\"label\">\(htmlEscape(label))</div><div class=\"value\">\(value)</div></div>"
      }.joined() + "</div>"
    body += miners(o.miners, now: now)
    body += HTMLReport.sealedSection(snapshot.holdout, results: snapshot.results)
    return PageLayout.render(title: "Overview", path: "/", snapshot: snapshot, body: body)
  }

  static func miners(_ miners: [MinerStatus], now: Date) -> String {
    guard !miners.isEmpty else {
      return "<h2>Miners</h2><p class=\"summary\">No miner is working on the study right now.</p>"
    }
    var html =
      "<h2>Miners</h2><table><thead><tr><th class=\"left\">host</th><th>pid</th><th class=\"left\">current trials (trial/split)</th><th>last heartbeat</th></tr></thead><tbody>"
    for m in miners {
      let trials = m.runs.map { run -> String in
        let trial = run.split(separator: "/").first.map(String.init) ?? run
        return "<a href=\"/trial/\(htmlEscape(trial))\">\(htmlEscape(run))</a>"
      }.joined(separator: ", ")
      let ago = m.lastHeartbeat.map { "\(max(0, Int(now.timeIntervalSince1970 - $0))) s ago" } ?? "–"
      html +=
        "<tr><td class=\"left\">\(htmlEscape(m.host))</td><td>\(m.pid.map(String.init) ?? "–")</td><td class=\"left\">\(trials)</td><td>\(ago)</td></tr>"
    }
    return html + "</tbody></table>"
  }
}
