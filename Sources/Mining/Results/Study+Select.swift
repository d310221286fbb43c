import Foundation

/// The trials `select` chose, with what it traded: their mean score and mean pairwise correlation next to those
/// of the top trials by the score alone.
public struct DiverseChoice: Sendable {
  /// The candidates (best first by the score) and their pairwise out-of-fold correlations.
  public var candidates: [TrialResult]
  public var correlations: [[Double]]
  public var scores: [Double]
  /// Indices into `candidates` of the chosen trials.
  public var chosen: [Int]

  /// The chosen trials' ids.
  public var ids: [Int] { chosen.map { candidates[$0].id } }
  public var meanScore: Double { chosen.reduce(0) { $0 + scores[$1] } / Double(chosen.count) }
  public var meanCorrelation: Double { DiverseSelection.meanCorrelation(chosen, correlations) }
  /// The top `chosen.count` candidates by the score alone.
  public var top: [Int] { Array(0..<chosen.count) }
  public var topMeanScore: Double { top.reduce(0) { $0 + scores[$1] } / Double(top.count) }
  public var topMeanCorrelation: Double { DiverseSelection.meanCorrelation(top, correlations) }

  /// A chosen trial's mean correlation with the other chosen ones.
  public func meanCorrelationWithOthers(_ i: Int) -> Double {
    let others = chosen.filter { $0 != i }
    return others.isEmpty ? 0 : others.reduce(0) { $0 + correlations[i][$1] } / Double(others.count)
  }
}

extension Study {
  /// The best `count` finished trials by `score` (among the best `pool`) whose out-of-fold predictions have a
  /// mean pairwise correlation of at most `maxMeanCorrelation` (`DiverseSelection`).
  /// - Throws: when there is no candidate, or no set meets the bar (naming the most diverse set's mean).
  public func selectDiverse(
    count: Int, maxMeanCorrelation: Double, score: String, betterThanBenchmark: Bool, pool: Int? = nil
  ) throws -> DiverseChoice {
    let key = try TrialResultTable.score(named: score, option: "--score")
    let candidates = TrialResultTable(try results()).candidates(by: key, beatingBenchmark: betterThanBenchmark)
      .sorted(by: key).prefix(pool ?? 10 * count).rows
    guard !candidates.isEmpty else {
      throw MiningError(
        "\(store.location) has no finished trial with a \(score)\(betterThanBenchmark ? " that beats the benchmark" : "")")
    }
    let predictions = try candidates.map { try outOfFoldPredictions(trial: $0.id) ?? [] }
    let rows = predictions.first?.count ?? 0
    let correlations = DiverseSelection.correlations(predictions, stride: max(1, rows / 100_000))
    let scores = candidates.map { $0[keyPath: key]! }
    let k = min(count, candidates.count)
    guard let chosen = DiverseSelection.select(scores: scores, correlations: correlations, count: k, maxMeanCorrelation: maxMeanCorrelation)
    else {
      let least = DiverseSelection.leastMeanCorrelation(scores: scores, correlations: correlations, count: k)
      throw MiningError(
        "no \(k) of the \(candidates.count) candidate trials of \(store.location) have a mean pairwise correlation ≤ "
          + "\(maxMeanCorrelation); the most diverse \(k) found: \(String(format: "%.4f", least))")
    }
    return DiverseChoice(candidates: candidates, correlations: correlations, scores: scores, chosen: chosen)
  }
}
