import Foundation
import Testing

@testable import Scoring

/// numerai-tools' own outputs (shared/fixtures/numerai-scoring), reproduced to 1e-9.
@Suite struct FixtureTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../shared/fixtures/numerai-scoring").standardized.path

  /// The fixture CSV as columns of strings keyed by header, rows sorted by id.
  static func table(_ name: String) throws -> [String: [String]] {
    let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines.removeFirst()
    lines.sort { $0[0] < $1[0] }
    var columns: [String: [String]] = [:]
    for (j, name) in header.enumerated() { columns[name] = lines.map { $0[j] } }
    return columns
  }

  static func expected() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/expected_scores.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  struct Era {
    var target: [Double]
    var meta: [Double]
    var predictions: [String: [Double]]
    var features: [[Double]]
  }

  static func eras() throws -> [String: Era] {
    let t = try table("fixture_3eras_200rows.csv")
    func doubles(_ c: String) -> [Double] { t[c]!.map { Double($0)! } }
    let featureNames = ["feature_a", "feature_b", "feature_c", "feature_d", "feature_e"]
    var result: [String: Era] = [:]
    for era in Set(t["era"]!) {
      let rows = t["era"]!.indices.filter { t["era"]![$0] == era }
      func pick(_ c: String) -> [Double] { rows.map { doubles(c)[$0] } }
      result[era] = Era(
        target: pick("target"), meta: pick("meta_model"),
        predictions: ["prediction": pick("prediction"), "prediction_tied": pick("prediction_tied")],
        features: featureNames.map(pick))
    }
    return result
  }

  @Test func everyPerEraValueMatchesNumeraiTools() throws {
    let expected = try Self.expected()["per_era"] as! [String: [String: Any]]
    let eras = try Self.eras()
    #expect(Set(eras.keys) == Set(expected.keys))
    var checked = 0
    for (label, want) in expected {
      let era = eras[label]!
      #expect(want["n_rows"] as? Int == era.target.count)
      for column in ["prediction", "prediction_tied"] {
        let p = era.predictions[column]!
        func value(_ metric: String) -> Double { ((want[metric] as! [String: Any])[column] as! NSNumber).doubleValue }
        #expect(abs(NumeraiMetrics.numeraiCorr(predictions: p, targets: era.target) - value("numerai_corr")) < 1e-9)
        #expect(
          abs(NumeraiMetrics.numeraiCorr(predictions: p, targets: era.target, targetPower15: false)
            - value("numerai_corr_target_pow15_false")) < 1e-9)
        #expect(
          abs(NumeraiMetrics.correlationContribution(predictions: p, metaModel: era.meta, targets: era.target)
            - value("correlation_contribution")) < 1e-9)
        #expect(
          abs(NumeraiMetrics.featureNeutralCorr(predictions: p, features: era.features, targets: era.target)
            - value("feature_neutral_corr")) < 1e-9)
        let exposure = NumeraiMetrics.maxFeatureExposure(predictions: p, features: era.features)
        let wantExposure = (want["max_feature_correlation"] as! [String: [Any]])[column]!
        #expect(["feature_a", "feature_b", "feature_c", "feature_d", "feature_e"][exposure.feature] == wantExposure[0] as! String)
        #expect(abs(exposure.value - (wantExposure[1] as! NSNumber).doubleValue) < 1e-9)
        checked += 5
      }
      let metaCorr = (want["meta_model_numerai_corr"] as! NSNumber).doubleValue
      #expect(abs(NumeraiMetrics.numeraiCorr(predictions: era.meta, targets: era.target) - metaCorr) < 1e-9)
    }
    #expect(checked == 30)
  }

  @Test func rollUpsMatchNumeraiTools() throws {
    let json = try Self.expected()
    let perEra = json["per_era"] as! [String: [String: Any]]
    let rollups = json["rollup_over_eras"] as! [String: [String: [String: Double]]]
    for (metric, columns) in rollups {
      for (column, want) in columns {
        let series = perEra.keys.sorted().map { ((perEra[$0]![metric] as! [String: Any])[column] as! NSNumber).doubleValue }
        let r = RollUp(series)
        #expect(abs(r.mean - want["mean"]!) < 1e-12)
        #expect(abs(r.std - want["std_ddof0"]!) < 1e-12)
        #expect(abs(r.sharpe - want["sharpe_ddof0"]!) < 1e-9)
        #expect(abs(r.maxDrawdown - want["max_drawdown"]!) < 1e-12)
      }
    }
  }

  @Test func intermediatesOfEraOneMatchStepByStep() throws {
    let t = try Self.table("intermediates_era0001.csv")
    func doubles(_ c: String) -> [Double] { t[c]!.map { Double($0)! } }
    for column in ["prediction", "prediction_tied"] {
      let era = try Self.eras()["0001"]!
      let rank = NumeraiMetrics.tieKeptRank(era.predictions[column]!)
      #expect(rank == doubles("\(column)_rank"))
      let gauss = NumeraiMetrics.gaussian(rank)
      #expect(zip(gauss, doubles("\(column)_gauss")).allSatisfy { abs($0 - $1) <= 1e-15 * max(1, abs($1)) })
      let pow15 = NumeraiMetrics.signedPower15(gauss)
      #expect(zip(pow15, doubles("\(column)_gauss_pow15")).allSatisfy { abs($0 - $1) <= 1e-14 })
    }
  }
}

@Suite struct MetricTests {
  @Test func normalQuantileIsAccurateAcrossTheUnitInterval() {
    // Φ(Φ⁻¹(p)) = p to near machine precision, and known quantiles.
    for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.6, 0.9, 0.975, 0.999, 1 - 1e-10] {
      let x = NormalQuantile.of(p)
      let back = p < 0.5 ? NormalQuantile.cdf(x) : 1 - NormalQuantile.cdf(-x)
      // x is within a few ulps of the true quantile, so p is recovered to |x|·ulp-sized relative error.
      #expect(abs(back - p) <= p * ((abs(x) + 1) * 4 * abs(x).ulp + 4e-16), "p = \(p)")
    }
    #expect(abs(NormalQuantile.of(0.975) - 1.959963984540054) < 1e-15)
    #expect(abs(NormalQuantile.of(0.5)) < 1e-17)
    #expect(abs(NormalQuantile.of(1e-10) + 6.361340902404056) < 1e-14)
    #expect(NormalQuantile.of(0) == -.infinity && NormalQuantile.of(1) == .infinity)
  }

  @Test func tieKeptRankAveragesTies() {
    #expect(NumeraiMetrics.tieKeptRank([3, 1, 2, 2]) == [0.875, 0.125, 0.5, 0.5])
  }

  @Test func rollUpKnownAnswers() {
    let r = RollUp([0.02, -0.01, 0.03, -0.04, 0.05])
    #expect(abs(r.mean - 0.01) < 1e-15)
    // Deviations .01, −.02, .02, −.05, .04: variance (1 + 4 + 4 + 25 + 16)e-4 / 5 = 1e-3.
    #expect(abs(r.std - 0.001.squareRoot()) < 1e-15)
    #expect(abs(r.sharpe - 0.01 / 0.001.squareRoot()) < 1e-12)
    // cumsum 0.02, 0.01, 0.04, 0.00, 0.05: the worst fall is 0.04 → 0.00.
    #expect(abs(r.maxDrawdown - 0.04) < 1e-15)
    #expect(RollUp([0.1, 0.2, 0.3, -0.5], last: 2).mean == -0.1)
  }

  @Test func neutralizedPredictionsAreOrthogonalToFeaturesAndConstant() {
    var state: UInt64 = 1
    func u() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) * 0x1.0p-53
    }
    let n = 300
    let features = (0..<4).map { _ in (0..<n).map { _ in Double(Int(u() * 5)) } }
    // A duplicated feature (rank-deficient) must not matter.
    let y = (0..<n).map { i in features[0][i] * 0.3 - features[2][i] + u() }
    let r = NumeraiMetrics.neutralize(y, against: features + [features[1]])
    for f in features { #expect(abs(zip(f, r).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-9) }
    #expect(abs(r.reduce(0, +)) < 1e-9)
  }
}
