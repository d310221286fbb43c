import Boosting
import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Mining

/// `TrialConfiguration.fidelity`: fewer trees at a higher learning rate, stored only when below 1.
@Suite struct FidelityTests {
  static let full = TrialConfiguration(
    values: ["n_estimators": 300, "learning_rate": 0.01, "num_leaves": 4], target: "target")

  @Test func aThirdTrainsAHundredTreesAtThreeTimesTheRate() throws {
    let third = Self.full.at(fidelity: 1.0 / 3)
    let p = try third.parameters(over: BoostingParameters())
    #expect(p.nEstimators == 100)
    #expect(abs(p.learningRate - 0.03) < 1e-12)
    let whole = try Self.full.parameters(over: BoostingParameters())
    #expect(whole.nEstimators == 300 && whole.learningRate == 0.01, "fidelity 1 is the configuration as it is")
    let dataset = try SyntheticNumerai(
      .init(eras: 20, rowsPerEra: 40, features: 6, targets: 1, seed: 2, validationEras: 5)
    ).train
    let model = try GBDTModelTrainer(base: BoostingParameters()).fit(
      TrainingRows(dataset, rows: Array(0..<dataset.rowCount), target: 0), configuration: third, threads: 1, shouldStop: { false })
    #expect((model as? GBDTModel)?.model.trees.count == 100)
  }

  @Test func theRateIsCappedAtOneAndAtLeastOneTreeIsTrained() throws {
    let p = try TrialConfiguration(
      values: ["n_estimators": 4, "learning_rate": 0.5], target: "target", fidelity: 1.0 / 9
    )
    .parameters(over: BoostingParameters())
    #expect(p.nEstimators == 1 && p.learningRate == 1)
  }

  @Test func fidelityOneKeepsTheStoredJSONAndOthersRoundTrip() throws {
    #expect(Self.full.json == #"{"learning_rate":0.01,"n_estimators":300,"num_leaves":4,"target":"target"}"#)
    for f in [1.0 / 9, 1.0 / 3, 0.5] {
      let c = Self.full.at(fidelity: f)
      #expect(c.json.contains("\"fidelity\""))
      let back = try TrialConfiguration(json: c.json)
      #expect(back == c, "fidelity \(f) reads back as \(back.fidelity)")
    }
    let encoded = String(decoding: try JSONEncoder().encode(Self.full), as: UTF8.self)
    #expect(!encoded.contains("fidelity"))
    #expect(try JSONDecoder().decode(TrialConfiguration.self, from: Data(encoded.utf8)).fidelity == 1)
    let third = Self.full.at(fidelity: 1.0 / 3)
    #expect(try JSONDecoder().decode(TrialConfiguration.self, from: JSONEncoder().encode(third)) == third)
  }

  @Test(arguments: ["0", "1.5", "-0.2", "\"half\""])
  func aFidelityOutsideZeroToOneIsOneClearError(_ value: String) throws {
    let json = #"{"fidelity":\#(value),"n_estimators":10,"target":"target"}"#
    #expect {
      try TrialConfiguration(json: json)
    } throws: { error in
      "\(error)".contains("fidelity") && "\(error)".contains("(0, 1]") && !"\(error)".contains("\n")
    }
    #expect(throws: MiningError.self) { try Self.full.at(fidelity: 0).parameters(over: BoostingParameters()) }
  }
}
