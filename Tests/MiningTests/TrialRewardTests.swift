import Testing

@testable import Mining

/// The scores mining's gfn sampler is rewarded with, on hand-set results.
@Suite struct TrialRewardTests {
  static func result(
    validation: (corr: Double, sharpe: Double), whole: (corr: Double, sharpe: Double), mmc: Double = 0.01,
    benchmarkCorrelation: Double? = 0.4, isBenchmark: Bool = false
  ) -> TrialResult {
    var r = TrialResult(
      id: 1, isBenchmark: isBenchmark, sampler: "uniform", status: .done, config: [:], target: "target",
      mmcAgainst: "benchmark", beatsBenchmark: false, perEraCorr: [:])
    r.validationCorr = validation.corr
    r.validationSharpe = validation.sharpe
    r.wholeCorr = whole.corr
    r.wholeSharpe = whole.sharpe
    r.validationMmc = mmc
    r.wholeMmc = 2 * mmc
    r.benchmarkCorrelation = benchmarkCorrelation
    return r
  }

  let trial = result(validation: (0.06, 1.2), whole: (0.05, 0.9))
  let benchmark = result(validation: (0.05, 1.0), whole: (0.04, 1.0), benchmarkCorrelation: 1, isBenchmark: true)

  @Test func eachKindAndPeriodReadsItsOwnScore() {
    #expect(TrialReward().score(trial, benchmark: benchmark) == 1.2)
    #expect(TrialReward(kind: .sharpe, period: .whole).score(trial, benchmark: benchmark) == 0.9)
    #expect(TrialReward(kind: .corr).score(trial, benchmark: nil) == 0.06)
    #expect(TrialReward(kind: .corr, period: .whole).score(trial, benchmark: nil) == 0.05)
    #expect(TrialReward(kind: .mmc).score(trial, benchmark: nil) == 0.01)
    #expect(TrialReward(kind: .mmc, period: .whole).score(trial, benchmark: nil) == 0.02)
  }

  /// beat = min(corr / benchmark corr, Sharpe / benchmark Sharpe) − 1: positive only when both are beaten.
  @Test func beatIsTheMarginOnTheWeakerMeasure() throws {
    let validation = try #require(TrialReward(kind: .beat).score(trial, benchmark: benchmark))
    #expect(abs(validation - 0.2) < 1e-12)  // corr 1.2×, Sharpe 1.2×
    let whole = try #require(TrialReward(kind: .beat, period: .whole).score(trial, benchmark: benchmark))
    #expect(abs(whole - -0.1) < 1e-12)  // corr 1.25× but Sharpe 0.9×: does not beat
    #expect(TrialReward(kind: .beat).score(trial, benchmark: nil) == nil)
    let useless = Self.result(validation: (-0.01, -0.2), whole: (0.01, 0.1), isBenchmark: true)
    #expect(TrialReward(kind: .beat).score(trial, benchmark: useless) == nil, "a benchmark without positive scores is no yardstick")
  }

  /// A cap saturates the score before the uniqueness term: with beat and cap 0, every beater scores alike.
  @Test func capSaturatesTheScore() throws {
    let capped = TrialReward(kind: .beat, cap: 0)
    #expect(capped.score(trial, benchmark: benchmark) == 0)  // beats by 0.2, counts as 0
    let losing = try #require(TrialReward(kind: .beat, period: .whole, cap: 0).score(trial, benchmark: benchmark))
    #expect(abs(losing - -0.1) < 1e-12)  // below the cap: unchanged
    let unique = try #require(TrialReward(kind: .sharpe, uniqueness: 0.5, cap: 1).score(trial, benchmark: benchmark))
    #expect(abs(unique - (1 - 0.5 * 0.4)) < 1e-12)
  }

  @Test func uniquenessSubtractsCorrelationWithTheBenchmark() throws {
    let score = try #require(TrialReward(kind: .sharpe, uniqueness: 0.5).score(trial, benchmark: benchmark))
    #expect(abs(score - (1.2 - 0.5 * 0.4)) < 1e-12)
  }
}
