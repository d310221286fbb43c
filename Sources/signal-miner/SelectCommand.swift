import ArgumentParser
import Foundation
import Mining

/// `signal-miner select`: an ensemble that is good and diverse, ready for `export --trials`.
struct SelectCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "select",
    abstract: "Choose the best trials whose out-of-fold predictions are, on average, at most so correlated.",
    discussion: """
      Among the study's finished trials (the benchmark excluded), the best --pool by the score, pick --count with \
      the highest mean score whose mean pairwise correlation of out-of-fold predictions is at most \
      --max-mean-correlation (a Lagrangian greedy: score − λ · correlation with those already chosen, the smallest \
      λ that meets the bar). Prints them with the line to export them.
      """)

  @Option(help: "The study file.") var study: String
  @Option(help: "How many trials to choose.") var count = 20
  @Option(name: .customLong("max-mean-correlation"), help: "The largest mean pairwise correlation allowed (in (-1, 1]).")
  var maxMeanCorrelation = 0.85
  @Option(help: "The score to maximise: whole_sharpe, whole_corr, whole_mmc, validation_sharpe or test_sharpe.")
  var score = "whole_sharpe"
  @Flag(name: .customLong("better-than-benchmark"), help: "Only trials whose whole corr and Sharpe beat the benchmark's.")
  var betterThanBenchmark = false
  @Option(help: "Candidates: the best this many by the score (default 10 × count).") var pool: Int?
  @Flag(help: "One JSON object.") var json = false

  nonisolated(unsafe) static let scores: [String: KeyPath<TrialResult, Double?>] = [
    "whole_sharpe": \.wholeSharpe, "whole_corr": \.wholeCorr, "whole_mmc": \.wholeMmc,
    "validation_sharpe": \.validationSharpe, "test_sharpe": \.testSharpe,
  ]

  func validate() throws {
    guard count >= 1 else { throw ValidationError("--count \(count): expected at least 1") }
    guard maxMeanCorrelation > -1, maxMeanCorrelation <= 1 else {
      throw ValidationError("--max-mean-correlation \(maxMeanCorrelation): expected a number in (-1, 1]")
    }
    guard Self.scores[score] != nil else {
      throw ValidationError("--score \(score): expected one of \(Self.scores.keys.sorted().joined(separator: ", "))")
    }
    if let pool, pool < count { throw ValidationError("--pool \(pool): expected at least --count (\(count))") }
  }

  func run() async throws {
    let store = try Study.open(path: study)
    let key = Self.scores[score]!
    let candidates = try TrialResults.compute(store)
      .filter { !$0.isBenchmark && ($0[keyPath: key]?.isFinite ?? false) && (!betterThanBenchmark || $0.beatsBenchmark) }
      .sorted { $0[keyPath: key]! > $1[keyPath: key]! }
      .prefix(pool ?? 10 * count)
    guard !candidates.isEmpty else {
      throw MiningError("\(study) has no finished trial with a \(score)\(betterThanBenchmark ? " that beats the benchmark" : "")")
    }
    let splitCount = try store.splits().count
    let predictions: [[Float]] = try candidates.map { trial in
      try (0..<splitCount).flatMap { try store.predictions(trial: trial.id, split: $0) ?? [] }
    }
    let rows = predictions.first?.count ?? 0
    let correlations = DiverseSelection.correlations(predictions, stride: max(1, rows / 100_000))
    let scores = candidates.map { $0[keyPath: key]! }
    let k = min(count, candidates.count)
    guard let chosen = DiverseSelection.select(
      scores: scores, correlations: correlations, count: k, maxMeanCorrelation: maxMeanCorrelation)
    else {
      let least = DiverseSelection.leastMeanCorrelation(scores: scores, correlations: correlations, count: k)
      throw MiningError(
        "no \(k) of the \(candidates.count) candidate trials of \(study) have a mean pairwise correlation ≤ "
          + "\(maxMeanCorrelation); the most diverse \(k) found: \(String(format: "%.4f", least))")
    }
    if candidates.count < count {
      FileHandle.standardError.write(Data("note: only \(candidates.count) candidate trials; choosing among all of them\n".utf8))
    }
    let top = Array(0..<k)
    let ids = chosen.map { candidates[candidates.startIndex + $0].id }
    let summary: [String: Any] = [
      "trials": ids, "score": score,
      "mean_score": chosen.reduce(0) { $0 + scores[$1] } / Double(k),
      "mean_correlation": DiverseSelection.meanCorrelation(chosen, correlations),
      "top_mean_score": top.reduce(0) { $0 + scores[$1] } / Double(k),
      "top_mean_correlation": DiverseSelection.meanCorrelation(top, correlations),
    ]
    if json {
      print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
      return
    }
    print("   trial  \(score.leftPadded(17))  mean corr with the others")
    for i in chosen {
      let others = chosen.filter { $0 != i }
      let withOthers = others.isEmpty ? 0 : others.reduce(0) { $0 + correlations[i][$1] } / Double(others.count)
      print(String(format: "%8d  %17.4f  %.4f", candidates[candidates.startIndex + i].id, scores[i], withOthers))
    }
    let f = { (key: String) in String(format: "%.4f", summary[key] as! Double) }
    print(
      "\(k) trials: mean \(score) \(f("mean_score")), mean pairwise correlation \(f("mean_correlation")) "
        + "(the top \(k) by \(score): \(f("top_mean_score")) and \(f("top_mean_correlation")))")
    print("export: signal-miner export --study \(study) --trials \(ids.map(String.init).joined(separator: ",")) --out DIR --data …")
  }
}
