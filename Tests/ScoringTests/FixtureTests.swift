import Foundation
import Testing

@testable import Scoring

/// Every value numerai-tools 0.7.2 wrote into expected_scores.json, reproduced to 1e-9.
@Suite struct FixtureTests {
  let fixture: ScoringFixture
  static let predictionColumns = ["prediction", "prediction_tied"]
  static let tolerance = 1e-9

  init() throws { fixture = try ScoringFixture() }

  @Test func perEraScoresMatchNumeraiTools() throws {
    for era in fixture.eraLabels {
      let target = fixture.column("target", era: era)
      let meta = fixture.column("meta_model", era: era)
      let features = fixture.features(era: era)
      for name in Self.predictionColumns {
        let p = fixture.column(name, era: era)
        let corr = NumeraiMetrics.numeraiCorr(predictions: p, targets: target)
        #expect(abs(corr - (fixture.perEra(era, "numerai_corr")[name] as! Double)) < Self.tolerance, "\(era) \(name)")
        let corrNoPow = NumeraiMetrics.numeraiCorr(predictions: p, targets: target, targetPower15: false)
        let expectedNoPow = fixture.perEra(era, "numerai_corr_target_pow15_false")[name] as! Double
        #expect(abs(corrNoPow - expectedNoPow) < Self.tolerance, "\(era) \(name)")
        let mmc = NumeraiMetrics.correlationContribution(predictions: p, metaModel: meta, targets: target)
        let expectedMMC = fixture.perEra(era, "correlation_contribution")[name] as! Double
        #expect(abs(mmc - expectedMMC) < Self.tolerance, "\(era) \(name)")
        let fnc = NumeraiMetrics.featureNeutralCorr(predictions: p, features: features, targets: target)
        let expectedFNC = fixture.perEra(era, "feature_neutral_corr")[name] as! Double
        #expect(abs(fnc - expectedFNC) < Self.tolerance, "\(era) \(name)")
        let exposure = NumeraiMetrics.maxFeatureExposure(predictions: p, features: features)
        let expectedExposure = (fixture.perEra(era, "max_feature_correlation")[name] as! [Any])[1] as! Double
        #expect(abs(exposure - expectedExposure) < Self.tolerance, "\(era) \(name)")
      }
      let metaCorr = NumeraiMetrics.numeraiCorr(predictions: meta, targets: target)
      let expectedMetaCorr =
        ((fixture.expected["per_era"] as! [String: Any])[era] as! [String: Any])[
          "meta_model_numerai_corr"] as! Double
      #expect(abs(metaCorr - expectedMetaCorr) < Self.tolerance, "\(era)")
    }
  }

  @Test func rollUpsMatchNumeraiTools() throws {
    let metrics: [(String, (String, String) -> Double)] = [
      (
        "numerai_corr",
        { era, name in
          NumeraiMetrics.numeraiCorr(
            predictions: fixture.column(name, era: era), targets: fixture.column("target", era: era))
        }
      ),
      (
        "correlation_contribution",
        { era, name in
          NumeraiMetrics.correlationContribution(
            predictions: fixture.column(name, era: era), metaModel: fixture.column("meta_model", era: era),
            targets: fixture.column("target", era: era))
        }
      ),
      (
        "feature_neutral_corr",
        { era, name in
          NumeraiMetrics.featureNeutralCorr(
            predictions: fixture.column(name, era: era), features: fixture.features(era: era),
            targets: fixture.column("target", era: era))
        }
      ),
    ]
    for (metric, score) in metrics {
      for name in Self.predictionColumns {
        let rollUp = RollUp(fixture.eraLabels.map { score($0, name) })
        let expected = fixture.rollUp(metric, name)
        #expect(abs(rollUp.mean - expected["mean"]!) < Self.tolerance, "\(metric) \(name)")
        #expect(abs(rollUp.std - expected["std_ddof0"]!) < Self.tolerance, "\(metric) \(name)")
        #expect(abs(rollUp.sharpe - expected["sharpe_ddof0"]!) < Self.tolerance, "\(metric) \(name)")
        #expect(abs(rollUp.maxDrawdown - expected["max_drawdown"]!) < Self.tolerance, "\(metric) \(name)")
      }
    }
  }

  @Test func eraEvaluationOnADatasetMatchesNumeraiTools() throws {
    let dataset = fixture.dataset()
    for name in Self.predictionColumns {
      let scores = try EraEvaluation.evaluate(
        predictions: fixture.columns[name]!, dataset: dataset, rows: Array(0..<dataset.rowCount), target: 0,
        metaModel: fixture.columns["meta_model"]!, featureColumns: Array(0..<5))
      #expect(scores.eras == ["0001", "0002", "0003"])
      for (e, era) in scores.eras.enumerated() {
        let corr = fixture.perEra(era, "numerai_corr")[name] as! Double
        let mmc = fixture.perEra(era, "correlation_contribution")[name] as! Double
        let fnc = fixture.perEra(era, "feature_neutral_corr")[name] as! Double
        let exposure = (fixture.perEra(era, "max_feature_correlation")[name] as! [Any])[1] as! Double
        #expect(abs(scores.corr[e] - corr) < Self.tolerance)
        #expect(abs(scores.mmc![e] - mmc) < Self.tolerance)
        #expect(abs(scores.fnc![e] - fnc) < Self.tolerance)
        #expect(abs(scores.maxExposure![e] - exposure) < Self.tolerance)
        let pearson = NumeraiMetrics.pearson(fixture.column(name, era: era), fixture.column("target", era: era))
        #expect(scores.pearson[e] == pearson)
      }
      let summary = scores.summary()
      let expected = fixture.rollUp("numerai_corr", name)
      #expect(abs(summary["corr"]!.sharpe - expected["sharpe_ddof0"]!) < Self.tolerance)
    }
  }

  @Test func intermediatesOfEra0001() throws {
    let table = try ScoringFixture.readCSV(ScoringFixture.directory + "/intermediates_era0001.csv").numbers
    let era = "0001"
    let target = fixture.column("target", era: era)
    let centred = NumeraiMetrics.centred(target)
    #expect(zip(centred, table["target_centered"]!).allSatisfy { abs($0 - $1) < 1e-15 })
    let powered = NumeraiMetrics.signedPower(centred)
    #expect(zip(powered, table["target_centered_pow15"]!).allSatisfy { abs($0 - $1) < 1e-15 })
    for name in Self.predictionColumns {
      let rank = NumeraiMetrics.tieKeptRank(fixture.column(name, era: era))
      #expect(rank == table["\(name)_rank"]!)
      let gauss = NumeraiMetrics.gaussian(rank)
      #expect(zip(gauss, table["\(name)_gauss"]!).allSatisfy { abs($0 - $1) < 1e-14 })
      let powered = NumeraiMetrics.signedPower(gauss)
      #expect(zip(powered, table["\(name)_gauss_pow15"]!).allSatisfy { abs($0 - $1) < 1e-14 })
    }
    // Neutralised, then variance-normalised (std ddof 0 = 1).
    let gauss = NumeraiMetrics.rankGauss(fixture.column("prediction", era: era))
    let residuals = FeatureBasis(columns: fixture.features(era: era), rowCount: gauss.count).neutralize(gauss)!
    let std = (residuals.reduce(0) { $0 + $1 * $1 } / Double(residuals.count)).squareRoot()
    let normalised = residuals.map { $0 / std }
    #expect(zip(normalised, table["prediction_neutralized_varnorm"]!).allSatisfy { abs($0 - $1) < 1e-12 })
  }
}
