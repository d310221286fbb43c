import Foundation
import TestSupport
import Testing

@testable import Mining

@Suite struct DeflatedSharpeTests {
  /// The paper's worked example (Bailey & López de Prado 2014, §"A numerical example"): annualised SR 2.5 over
  /// 1250 daily returns, N = 100 trials with annualised V[SR] = 1/2, skewness −3, kurtosis 10 → SR₀ = 0.1132 per
  /// day and DSR = 0.9004.
  @Test func reproducesThePapersExample() throws {
    let perDay = 2.5 / 250.0.squareRoot()
    #expect(abs(DeflatedSharpe.expectedMaximum(trials: 100, variance: 0.5 / 250) - 0.1132) < 5e-5)
    let dsr = try #require(
      DeflatedSharpe.ratio(sharpe: perDay, observations: 1250, skewness: -3, kurtosis: 10, trials: 100, sharpeVariance: 0.5 / 250))
    #expect(abs(dsr - 0.9004) < 5e-5, "\(dsr)")
  }

  @Test func moreTrialsDeflateMoreAndOneTrialHasNone() throws {
    let values = [2, 10, 100, 1000].map {
      DeflatedSharpe.ratio(sharpe: 0.2, observations: 200, skewness: 0, kurtosis: 3, trials: $0, sharpeVariance: 0.01)!
    }
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 > $1 }, "\(values)")
    #expect(DeflatedSharpe.ratio(sharpe: 0.2, observations: 200, skewness: 0, kurtosis: 3, trials: 1, sharpeVariance: 0.01) == nil)
  }

  @Test func momentsOfAKnownSeries() {
    let (skewness, kurtosis) = DeflatedSharpe.moments([1, 2, 3, 4, 10])
    #expect(abs(skewness - 1.1384199576606167) < 1e-12 && abs(kurtosis - 2.788) < 1e-12)
  }

  /// On a mined study every finished trial gets both selection scores, and `results` / `select` rank by them.
  @Test func minedTrialsAreRankedByTheSelectionScores() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try LibraryMiningTests.study(dir)
    var sampler = UniformSampler(
      space: try SearchSpace(json: Data(LibraryMiningTests.space.utf8), source: "test", availableTargets: ["target"]),
      fixed: BenchmarkPresets.example, seed: 2)
    try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 5))
    let results = try study.results()
    for r in results where !r.isBenchmark {
      let dsr = try #require(r.deflatedSharpe)
      #expect(dsr >= 0 && dsr <= 1)
      #expect(r.worseFoldSharpe == min(r.validationSharpe!, r.testSharpe!))
    }
    #expect(results.first(where: \.isBenchmark)?.deflatedSharpe == nil)
    let ranked = TrialResultTable(results).sorted(by: try TrialResultTable.score(named: "deflated_sharpe", option: "--sort")).rows
    #expect(zip(ranked, ranked.dropFirst()).allSatisfy { ($0.deflatedSharpe ?? -1) >= ($1.deflatedSharpe ?? -1) })
    // With a loose bar, select picks the top by the chosen score.
    let choice = try study.selectDiverse(count: 2, maxMeanCorrelation: 1, score: "worse_fold_sharpe", betterThanBenchmark: false)
    let byWorseFold = results.filter { !$0.isBenchmark }.sorted { $0.worseFoldSharpe! > $1.worseFoldSharpe! }.prefix(2).map(\.id)
    #expect(choice.ids == Array(byWorseFold))
  }
}
