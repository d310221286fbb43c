import Foundation
import Report

/// The frame every dashboard page shares: the report's stylesheet, a navigation bar, and a small script that
/// polls `/api/overview` every 3 s, updates the overview's counts in place, and reloads a page whose study
/// changed once it is `reloadSeconds` old (unless trials are being picked on the leaderboard: then it only
/// says so).
enum PageLayout {
  static let sections = [
    ("/", "Overview"), ("/leaderboard", "Leaderboard"), ("/charts", "Charts"), ("/sampler", "Sampler"),
  ]

  static func render(title: String, path: String, snapshot: StudySnapshot, body: String) -> String {
    let nav = sections.map { href, label in
      "<a href=\"\(href)\"\(href == path ? " class=\"here\"" : "")>\(label)</a>"
    }.joined()
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"/><title>\(htmlEscape(title)) · SignalMiner</title>
      <style>
      \(HTMLReport.style)
      \(style)
      </style></head>
      <body data-version="\(htmlEscape(snapshot.version))">
      <nav><strong>SignalMiner</strong> <span class="study">\(htmlEscape(snapshot.location))</span>\(nav)<span id="live">live</span></nav>
      <p id="stale" hidden>The study changed: <a href="">reload</a> to see it.</p>
      <h1>\(htmlEscape(title))</h1>
      \(body)
      <script>\(script)</script>
      </body></html>
      """
  }

  static let style = """
    body { margin-top: 0; } nav { display: flex; gap: 1.2em; align-items: baseline; padding: .8em 0; border-bottom: 1px solid #e3e6ec; }
    nav a { color: #3b5bb5; text-decoration: none; } nav a.here { color: #1d2433; font-weight: 600; border-bottom: 2px solid #e8663d; }
    nav .study { color: #6b7280; font-family: ui-monospace, Menlo, monospace; font-size: 12px; margin-right: auto; }
    #live { color: #2a9d8f; font-size: 12px; } #live.off { color: #b42318; }
    .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 1em 0; }
    .card { flex: 1 1 0; border: 1px solid #e3e6ec; border-radius: 6px; padding: .6em .9em; min-width: 120px; background: #fbfcfe; }
    .card .label { color: #6b7280; font-size: 12px; } .card .value { font-size: 1.35em; font-weight: 600; }
    .bar { height: 18px; background: #eceef3; border-radius: 9px; overflow: hidden; margin: .4em 0 1em; }
    .bar div { height: 100%; background: #5b7bd5; }
    table.compact { width: auto; min-width: 560px; } table.compact td:first-child { min-width: 130px; }
    td.left, th.left { text-align: left; } th a { color: inherit; text-decoration: none; } th a.sorted { color: #e8663d; }
    pre.command { background: #1d2433; color: #f4f6fa; padding: .8em 1em; border-radius: 6px; white-space: pre-wrap; }
    .note { background: #fff8e6; border: 1px solid #f2d58a; padding: .6em 1em; border-radius: 6px; }
    #stale { background: #fff8e6; padding: .4em 1em; }
    """

  /// A page that changed is reloaded at most this often; the overview's counts are updated in place meanwhile.
  static let reloadSeconds = 15

  static let script = """
    (function () {
      var version = document.body.dataset.version, live = document.getElementById('live'), loaded = Date.now();
      function put(id, text) { var card = document.querySelector('#card-' + id + ' .value'); if (card) card.textContent = text; }
      function duration(s) {
        s = Math.floor(s); var two = function (n) { return (n < 10 ? '0' : '') + n; };
        return s >= 3600 ? Math.floor(s / 3600) + 'h' + two(Math.floor(s % 3600 / 60)) + 'm' : Math.floor(s / 60) + 'm' + two(s % 60) + 's';
      }
      function update(o) {
        if (!document.getElementById('card-done')) return;
        put('done', o.done + ' / ' + o.total);
        put('rate', o.trialsPerHour == null ? '–' : o.trialsPerHour.toFixed(1));
        put('eta', o.etaSeconds == null ? '–' : duration(o.etaSeconds));
        put('cpu', o.cpuSeconds.toFixed(0) + ' s');
        var bar = document.querySelector('.bar div');
        if (bar && o.splitsTotal > 0) bar.style.width = (100 * o.splitsDone / o.splitsTotal).toFixed(1) + '%';
        var splits = document.getElementById('splits');
        if (splits) splits.textContent = o.splitsDone + ' of ' + o.splitsTotal + ' split runs finished, ' + o.running + ' running.';
        document.body.dataset.live = o.splitsDone + '/' + o.total;
      }
      setInterval(function () {
        fetch('/api/overview', { credentials: 'same-origin' }).then(function (r) {
          if (!r.ok) throw r.status; return r.json();
        }).then(function (o) {
          live.className = ''; live.textContent = 'live';
          update(o);
          if (o.splitsDone + '/' + o.total === version || Date.now() - loaded < \(reloadSeconds * 1000)) return;
          if (document.querySelector('input.pick:checked')) { document.getElementById('stale').hidden = false; }
          else { location.reload(); }
        }).catch(function () { live.className = 'off'; live.textContent = 'offline'; });
      }, 3000);
    })();
    """

  /// `x` with four decimals, or a dash.
  static func number(_ x: Double?, _ format: String = "%.4f") -> String { x.map { String(format: format, $0) } ?? "–" }

  /// The word for a shell: itself when plain, else single-quoted.
  static func shellQuoted(_ word: String) -> String {
    let plain =
      !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./-:=,".contains($0)) }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// A trial's configuration in one line: `name=value …  target=T`.
  static func configLine(_ values: [String: Double], target: String) -> String {
    values.sorted { $0.key < $1.key }.map { "\($0.key)=\(Scale.label($0.value))" }.joined(separator: " ")
      + " target=\(target)"
  }
}
