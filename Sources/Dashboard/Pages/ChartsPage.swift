import Report

/// `/charts`: the report's charts on the study as it is now.
enum ChartsPage {
  static func render(_ snapshot: StudySnapshot) -> String {
    let done = snapshot.done
    let sections = [
      HTMLReport.scatter(done), HTMLReport.splitChart(snapshot.layout.splits, eras: snapshot.eras),
      HTMLReport.parameterCharts(done), HTMLReport.pipelineCharts(done), HTMLReport.cumulative(done),
      HTMLReport.sealedSection(snapshot.holdout, results: snapshot.results),
    ]
    let summary = "<p class=\"summary\">\(done.count) of \(snapshot.results.count) trials finished.</p>"
    return PageLayout.render(
      title: "Charts", path: "/charts", snapshot: snapshot, body: summary + sections.joined(separator: "\n"))
  }
}
