import Foundation
import Mining
import Report

/// `/leaderboard`: the trials, sortable by any score (`?sort=whole_sharpe&order=desc`), filtered to the
/// benchmark-beaters (`?beaters=1`), the first `defaultRows` shown unless `?rows=N` or `?rows=all`; ticked
/// trials (`?pick=3&pick=7`, or live in the page) give the `export` command to run, beside the `select` command
/// for the same filter.
enum LeaderboardPage {
  /// The sortable columns: query name, header, value.
  static let columns: [(key: String, header: String, value: @Sendable (TrialResult) -> Double?)] = [
    ("id", "trial", { Double($0.id) }),
    ("validation_sharpe", "validation Sharpe", \.validationSharpe),
    ("test_sharpe", "test Sharpe", \.testSharpe),
    ("whole_corr", "whole corr", \.wholeCorr),
    ("whole_sharpe", "whole Sharpe", \.wholeSharpe),
    ("deflated_sharpe", "deflated Sharpe", \.deflatedSharpe),
    ("max_drawdown", "max drawdown", \.wholeMaxDrawdown),
    ("mmc", "MMC vs benchmark", \.wholeMmc),
    ("benchmark_correlation", "corr with benchmark", \.benchmarkCorrelation),
  ]

  struct Query {
    var sort = "whole_sharpe"
    var descending = true
    var beatersOnly = false
    var picks: [Int] = []
    /// Rows shown (the first after sorting); nil: all.
    var rows: Int? = LeaderboardPage.defaultRows
  }

  /// Rows a leaderboard shows unless asked for more: a 5,000-trial study's whole table is a 2 MB page.
  static let defaultRows = 200

  static func render(_ snapshot: StudySnapshot, query: Query, studyPath: String) -> String {
    let column = columns.first { $0.key == query.sort } ?? columns[4]
    var rows = snapshot.results.filter { !query.beatersOnly || $0.beatsBenchmark || $0.isBenchmark }
    rows.sort { a, b in
      switch (column.value(a), column.value(b)) {
      case (let x?, let y?): return query.descending ? x > y : x < y
      case (_?, nil): return true
      case (nil, _?): return false
      default: return a.id < b.id
      }
    }
    let shown = query.rows.map { Array(rows.prefix($0)) } ?? rows
    var body = "<p class=\"summary\">"
    if shown.count < rows.count {
      var everything = query
      everything.rows = nil
      body += "the first \(shown.count) of \(rows.count) trials shown (<a href=\"\(link(everything, beaters: query.beatersOnly))\">show all \(rows.count)</a>) · "
    } else {
      body += "\(rows.count) trials shown · "
    }
    body +=
      query.beatersOnly
      ? "<a href=\"\(link(query, beaters: false))\">show all</a>"
      : "<a href=\"\(link(query, beaters: true))\">only benchmark beaters</a>"
    body += "</p>" + commands(query, studyPath: studyPath)
    body +=
      "<form method=\"get\" action=\"/leaderboard\"><input type=\"hidden\" name=\"sort\" value=\"\(htmlEscape(column.key))\"/>"
    body += "<input type=\"hidden\" name=\"order\" value=\"\(query.descending ? "desc" : "asc")\"/>"
    if query.beatersOnly { body += "<input type=\"hidden\" name=\"beaters\" value=\"1\"/>" }
    body += "<input type=\"hidden\" name=\"rows\" value=\"\(query.rows.map(String.init) ?? "all")\"/>"
    let shownIDs = Set(shown.map(\.id))
    for id in query.picks where !shownIDs.contains(id) {
      body += "<input type=\"hidden\" class=\"pick\" name=\"pick\" value=\"\(id)\"/>"
    }
    body += "<p><button type=\"submit\">Show the export command for the ticked trials</button></p>"
    body += table(shown, query: query, sortedBy: column.key) + "</form>"
    body += "<script>\(pickScript(studyPath: studyPath))</script>"
    return PageLayout.render(title: "Leaderboard", path: "/leaderboard", snapshot: snapshot, body: body)
  }

  static func table(_ rows: [TrialResult], query: Query, sortedBy key: String) -> String {
    var html = "<table id=\"leaderboard\"><thead><tr><th></th>"
    for c in columns {
      var next = query
      next.sort = c.key
      next.descending = c.key == key ? !query.descending : true
      let arrow = c.key == key ? (query.descending ? " ▼" : " ▲") : ""
      html +=
        "<th><a href=\"\(link(next, beaters: query.beatersOnly))\"\(c.key == key ? " class=\"sorted\"" : "")>\(c.header)\(arrow)</a></th>"
    }
    html += "<th class=\"left\">status</th><th></th><th class=\"config\">configuration</th></tr></thead><tbody>"
    for r in rows {
      let badge =
        r.isBenchmark
        ? "<span class=\"bench\">benchmark</span>" : r.beatsBenchmark ? "<span class=\"badge\">beats</span>" : ""
      let box =
        r.isBenchmark || r.status != .done
        ? ""
        : "<input type=\"checkbox\" class=\"pick\" name=\"pick\" value=\"\(r.id)\"\(query.picks.contains(r.id) ? " checked" : "")/>"
      html += "<tr><td>\(box)</td><td><a href=\"/trial/\(r.id)\">\(r.id)</a></td>"
      html += columns.dropFirst().map { "<td>\(PageLayout.number($0.value(r)))</td>" }.joined()
      html +=
        "<td class=\"left\">\(r.status.rawValue)</td><td>\(badge)</td><td class=\"config\">\(htmlEscape(PageLayout.configLine(r.config, target: r.target)))</td></tr>"
    }
    return html + "</tbody></table>"
  }

  static func commands(_ query: Query, studyPath: String) -> String {
    let study = PageLayout.shellQuoted(studyPath)
    let select =
      "signal-miner select --study \(study) --count 20 --max-mean-correlation 0.85"
      + (query.beatersOnly ? " --better-than-benchmark" : "")
    let trials = query.picks.isEmpty ? "TRIALS" : query.picks.map(String.init).joined(separator: ",")
    return "<pre class=\"command\" id=\"select-command\">\(htmlEscape(select))</pre>"
      + "<pre class=\"command\" id=\"export-command\">\(htmlEscape(exportCommand(study: study, trials: trials)))</pre>"
  }

  static func exportCommand(study: String, trials: String) -> String {
    "signal-miner export --study \(study) --trials \(trials) --out models/ens1"
  }

  /// Rewrites the export command as boxes are ticked.
  static func pickScript(studyPath: String) -> String {
    let study = PageLayout.shellQuoted(studyPath)
    let parts = exportCommand(study: study, trials: "\u{0}").components(separatedBy: "\u{0}")
    let head = jsonString(parts[0])
    let tail = jsonString(parts[1])
    return """
      document.querySelectorAll('input.pick').forEach(function (box) {
        box.addEventListener('change', function () {
          var ids = Array.prototype.map.call(document.querySelectorAll('input.pick:checked, input.pick[type=hidden]'), function (b) { return b.value; });
          document.getElementById('export-command').textContent = \(head) + (ids.length ? ids.join(',') : 'TRIALS') + \(tail);
        });
      });
      """
  }

  /// A JSON string literal safe inside a `<script>` element.
  static func jsonString(_ s: String) -> String {
    let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
  }

  static func link(_ query: Query, beaters: Bool) -> String {
    "/leaderboard?sort=\(query.sort)&amp;order=\(query.descending ? "desc" : "asc")" + (beaters ? "&amp;beaters=1" : "")
      + (query.rows == defaultRows ? "" : "&amp;rows=\(query.rows.map(String.init) ?? "all")")
  }
}
