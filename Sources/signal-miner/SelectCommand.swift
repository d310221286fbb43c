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

  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name.") var study: String
  @Option(help: "How many trials to choose.") var count = 20
  @Option(name: .customLong("max-mean-correlation"), help: "The largest mean pairwise correlation allowed (in (-1, 1]).")
  var maxMeanCorrelation = 0.85
  @Option(
    help: "The score to maximise: whole_sharpe, whole_corr, whole_mmc, validation_sharpe, test_sharpe, worse_fold_sharpe or deflated_sharpe (corrected for how many trials were tried).")
  var score = "whole_sharpe"
  @Flag(name: .customLong("better-than-benchmark"), help: "Only trials whose whole corr and Sharpe beat the benchmark's.")
  var betterThanBenchmark = false
  @Option(help: "Candidates: the best this many by the score (default 10 × count).") var pool: Int?
  @Flag(help: "One JSON object.") var json = false

  func validate() throws {
    guard count >= 1 else { throw ValidationError("--count \(count): expected at least 1") }
    guard maxMeanCorrelation > -1, maxMeanCorrelation <= 1 else {
      throw ValidationError("--max-mean-correlation \(maxMeanCorrelation): expected a number in (-1, 1]")
    }
    guard Self.scores.contains(score) else {
      throw ValidationError("--score \(score): expected one of \(Self.scores.joined(separator: ", "))")
    }
    if let pool, pool < count { throw ValidationError("--pool \(pool): expected at least --count (\(count))") }
  }

  static let scores = [
    "deflated_sharpe", "test_sharpe", "validation_sharpe", "whole_corr", "whole_mmc", "whole_sharpe", "worse_fold_sharpe",
  ]

  func run() async throws {
    let choice = try Study.open(study).selectDiverse(
      count: count, maxMeanCorrelation: maxMeanCorrelation, score: score, betterThanBenchmark: betterThanBenchmark, pool: pool)
    if choice.candidates.count < count {
      FileHandle.standardError.write(Data("note: only \(choice.candidates.count) candidate trials; choosing among all of them\n".utf8))
    }
    if json {
      let summary: [String: Any] = [
        "trials": choice.ids, "score": score, "mean_score": choice.meanScore, "mean_correlation": choice.meanCorrelation,
        "top_mean_score": choice.topMeanScore, "top_mean_correlation": choice.topMeanCorrelation,
      ]
      print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
      return
    }
    printTable(choice)
  }

  func printTable(_ choice: DiverseChoice) {
    print("   trial  \(score.leftPadded(17))  mean corr with the others")
    for i in choice.chosen {
      print(String(format: "%8d  %17.4f  %.4f", choice.candidates[i].id, choice.scores[i], choice.meanCorrelationWithOthers(i)))
    }
    let k = choice.chosen.count
    let f = { (x: Double) in String(format: "%.4f", x) }
    print(
      "\(k) trials: mean \(score) \(f(choice.meanScore)), mean pairwise correlation \(f(choice.meanCorrelation)) "
        + "(the top \(k) by \(score): \(f(choice.topMeanScore)) and \(f(choice.topMeanCorrelation)))")
    print("export: signal-miner export --study \(study) --trials \(choice.ids.map(String.init).joined(separator: ",")) --out DIR --data …")
  }
}
