import Foundation
@testable import Mining
import Scoring
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import Report

@Suite struct HTMLReportTests {
  static func trial(_ id: Int, validation: Double, test: Double, benchmark: Bool = false, beats: Bool = false, target: String = "target") -> TrialResult {
    var r = TrialResult(
      id: id, isBenchmark: benchmark, sampler: benchmark ? "benchmark" : "uniform", status: .done,
      config: ["num_leaves": Double(4 * id), "learning_rate": 0.001 * pow(10, Double(id))], target: target,
      mmcAgainst: "benchmark", beatsBenchmark: beats, perEraCorr: ["0001": 0.01 * Double(id), "0002": -0.005, "0003": 0.02])
    r.validationSharpe = validation
    r.testSharpe = test
    r.wholeSharpe = (validation + test) / 2
    r.wholeCorr = 0.01 * Double(id)
    return r
  }

  /// Points (0, 1), (1, 3), (2, 5), (3, 7): test = 1 + 2 · validation exactly, r = 1.
  static let results = [
    trial(1, validation: 0, test: 1, benchmark: true), trial(2, validation: 1, test: 3),
    trial(3, validation: 2, test: 5, beats: true, target: "target_<&>"), trial(4, validation: 3, test: 7, beats: true),
  ]
  static let splits = [
    EraSplit(trainEras: ["0001"], testEras: ["0003"]), EraSplit(trainEras: ["0001", "0002"], testEras: ["0004"]),
  ]

  @Test func theReportIsWellFormedXHTMLWithTheExpectedMarks() throws {
    let html = HTMLReport.render(title: "Study <s1>", results: Self.results, splits: Self.splits, eras: ["0001", "0002", "0003", "0004"])
    let document = try XMLDocument(xmlString: html, options: [])
    #expect(document.rootElement()?.name == "html")
    let scatter = String(html[html.range(of: "<h2>Validation vs test Sharpe</h2>")!.lowerBound..<html.range(of: "<h2>Cross-validation")!.lowerBound])
    #expect(scatter.contains("Best fit: test = 1.000 + 2.000 × validation; correlation r = 1.000"))
    // Three trials plotted (one of them orange twice: two beat the benchmark) plus the two legend dots; one star plus the legend's.
    #expect(scatter.components(separatedBy: "<circle class=\"trial\"").count - 1 == 1 + 1)
    #expect(scatter.components(separatedBy: "<circle class=\"beats\"").count - 1 == 2 + 1)
    #expect(scatter.components(separatedBy: "class=\"star\"").count - 1 == 2)
    #expect(html.contains("<title>Study &lt;s1&gt;</title>"))
    #expect(html.contains("target=target_&lt;&amp;&gt;"))
    // Leaderboard: one row per finished trial, best whole Sharpe first.
    let rows = html.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(while: { $0 != "<" })) }
    #expect(rows == ["4", "3", "2", "1"])
    // Split strips: 2 splits × 4 eras.
    let strips = String(html[html.range(of: "<h2>Cross-validation")!.lowerBound..<html.range(of: "<h2>Hyperparameters")!.lowerBound])
    #expect(strips.components(separatedBy: "<rect x=").count - 1 == 8 + 3)
    // learning_rate spans 1e-2…1e1 (> 2 decades): a log axis.
    #expect(html.contains("learning_rate (log)"))
  }

  /// Trials 2–4 on stages raw, raw+pca:3, raw+pca:3 and augmentations none, none, cutout: a panel per varying
  /// dimension and fold, each trial a point in its value's column, each column's mean drawn and named.
  @Test func pipelinePanelsShowEachDimensionsValuesAndTheirMeans() throws {
    var results = Self.results
    results[2].pipeline = ["features": "raw+pca:3"]
    results[3].pipeline = ["features": "raw+pca:3", "augment": "cutout:0.1:1"]
    let html = HTMLReport.render(title: "s", results: results, splits: Self.splits, eras: ["0001", "0002", "0003", "0004"])
    _ = try XMLDocument(xmlString: html, options: [])
    let section = try #require(html.range(of: "<h2>Pipelines against validation and test Sharpe</h2>").map { html[$0.lowerBound...] })
    let panels = String(section[..<section.range(of: "<h2>Cumulative")!.lowerBound])
    #expect(panels.components(separatedBy: "<svg ").count - 1 == 4, "features and augment, validation and test")
    let features = section[section.range(of: "features · validation")!.lowerBound...].components(separatedBy: "</svg>")[0]
    #expect(features.contains(">raw<") && features.contains(">raw+pca:3<"))
    #expect(features.components(separatedBy: "<circle ").count - 1 == 3, "the benchmark is not a trial of a pipeline")
    #expect(features.contains("mean validation Sharpe 1.000 over 1 trials"))
    #expect(features.contains("mean validation Sharpe 2.500 over 2 trials"))
    let augmentTest = section[section.range(of: "augment · test")!.lowerBound...].components(separatedBy: "</svg>")[0]
    #expect(augmentTest.contains("mean test Sharpe 4.000 over 2 trials") && augmentTest.contains("mean test Sharpe 7.000 over 1 trials"))
    // Without pipeline dimensions there is no such section.
    #expect(!HTMLReport.render(title: "s", results: Self.results, splits: Self.splits, eras: ["0001"]).contains("Pipelines against"))
  }

  /// Trials 2–4 and the benchmark scored on sealed eras: sealed = 0.5 + 0.25 × whole Sharpe exactly.
  @Test func theSealedSectionPlotsCVAgainstSealedSharpeAndListsEveryModel() throws {
    func sealed(_ name: String, _ trial: Int?, beats: Bool = false) -> HoldoutScore {
      let whole = trial.flatMap { id in Self.results.first { $0.id == id }?.wholeSharpe } ?? 3
      return HoldoutScore(
        name: name, trial: trial, corr: 0.01, sharpe: 0.5 + 0.25 * whole, maxDrawdown: 0.1, mmc: nil, benchmarkCorrelation: nil,
        beatsBenchmark: beats, perEraCorr: [:])
    }
    let holdout = [sealed("benchmark", 1), sealed("trial 2", 2), sealed("trial 4", 4, beats: true), sealed("ensemble 2+4", nil, beats: true)]
    let html = HTMLReport.render(title: "s", results: Self.results, splits: Self.splits, eras: ["0001"], holdout: holdout)
    _ = try XMLDocument(xmlString: html, options: [])
    let section = String(html[html.range(of: "<h2>Sealed eras</h2>")!.lowerBound..<html.range(of: "<h2>Leaderboard</h2>")!.lowerBound])
    #expect(section.contains("Best fit: sealed = 0.500 + 0.250 × CV; correlation r = 1.000"))
    #expect(section.components(separatedBy: "<circle class=").count - 1 == 2, "trials 2 and 4; the benchmark is a star")
    #expect(section.contains("class=\"star\""))
    let rows = section.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(while: { $0 != "<" })) }
    #expect(rows == ["benchmark", "trial 2", "trial 4", "ensemble 2+4"])
    #expect(!HTMLReport.render(title: "s", results: Self.results, splits: Self.splits, eras: ["0001"]).contains("Sealed eras"))
  }

  @Test func scalesGiveNiceTicksAndSurviveDegenerateData() {
    let s = Scale([0, 1], pixels: 0...100)
    #expect(s.ticks.map { ($0 * 10).rounded() / 10 } == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(Scale([3, 3], pixels: 0...100).ticks.contains(3))
    let empty = HTMLReport.render(title: "empty", results: [], splits: [], eras: [])
    #expect((try? XMLDocument(xmlString: empty, options: [])) != nil)
    #expect(empty.contains("0 of 0 trials finished"))
  }
}
