import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Boosting

/// The objective as a value: its numbers, its names, and parameters and models stored before it existed.
@Suite struct ObjectiveTests {
  @Test func l2InitialScoreGradientsAndHessians() {
    let objective = Objective.regression
    let labels: [Float] = [0, 0.25, 0.5, 1.25]
    #expect(objective.initialScore(labels: labels) == 0.5)
    var gradients = [Float](repeating: .nan, count: 4)
    objective.gradients(scores: [0.5, 0.5, 1, -1], labels: labels, into: &gradients)
    #expect(gradients == [0.5, 0.25, 0.5, -2.25])
    #expect(objective.hessians(scores: [0.5, 0.5, 1, -1], labels: labels) == [1, 1, 1, 1])
    #expect(objective.constantHessian == 1)
    #expect(objective.lightGBMName == "regression")
  }

  @Test(arguments: ["regression", "regression_l2", "l2", "mean_squared_error", "mse"])
  func lightGBMNamesOfL2(name: String) throws {
    let parameters = try BoostingParameters(lightGBMNames: ["objective": name, "num_leaves": "7"])
    #expect(parameters.objective == .regression)
    #expect(parameters.numLeaves == 7)
    #expect(parameters.lightGBMPairs.first! == ("objective", "regression"))
  }

  @Test func otherObjectivesAreOneClearError() {
    let message =
      "parameter objective=binary: expected one of l2, mean_squared_error, mse, regression, regression_l2 (L2 regression)"
    #expect(throws: BoostingError(message)) { try BoostingParameters(lightGBMNames: ["objective": "binary"]) }
    var parameters = BoostingParameters()
    #expect(throws: BoostingError(message.replacingOccurrences(of: "=binary", with: "=L2"))) {
      try parameters.set("objective", to: "L2")
    }
    #expect(parameters.objective == .regression)
  }

  /// JSON as studies stored it before `objective` existed (the synthesized keys, no objective).
  @Test func jsonWithoutObjectiveDecodesAsL2() throws {
    let old = """
      {"nEstimators":2000,"learningRate":0.01,"numLeaves":15,"maxDepth":5,"minChildSamples":20,
       "minSumHessianInLeaf":0.001,"regLambda":0,"colsampleBytree":0.1,"maxBin":5,"seed":3}
      """
    let decoded = try JSONDecoder().decode(BoostingParameters.self, from: Data(old.utf8))
    var expected = BoostingParameters()
    expected.nEstimators = 2000
    expected.learningRate = 0.01
    expected.numLeaves = 15
    expected.maxDepth = 5
    expected.colsampleBytree = 0.1
    expected.maxBin = 5
    expected.seed = 3
    #expect(decoded == expected)
    #expect(decoded.objective == .regression)
    // Written now, the objective is stored by name and read back.
    let json = try JSONEncoder().encode(expected)
    let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    #expect(object["objective"] as? String == "regression")
    #expect(try JSONDecoder().decode(BoostingParameters.self, from: json) == expected)
    // A missing other parameter is still an error.
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(BoostingParameters.self, from: Data("{}".utf8)) }
  }

  /// A model saved before `objective` existed (its parameters without the key) loads as L2 and writes
  /// `objective=regression` in model.txt.
  @Test func modelSavedWithoutObjectiveLoadsAsL2() throws {
    var parameters = HandCheckedTreeTests.parameters(leaves: 3)
    try parameters.set("objective", to: "mse")
    let model = try GBDTTrainer.train(
      HandCheckedTreeTests.data(), rows: Array(0..<12), target: 0, parameters: parameters)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try model.save(to: dir.file("new.bin"))
    let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("new.bin")))
    var plist = try #require(
      try PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any])
    var stored = try #require(plist["parameters"] as? [String: Any])
    #expect(stored["objective"] as? String == "regression")
    stored["objective"] = nil
    plist["parameters"] = stored
    try PropertyListSerialization.data(fromPropertyList: plist, format: .binary, options: 0)
      .write(to: URL(fileURLWithPath: dir.file("old.bin")))
    let loaded = try BoostedModel.load(from: dir.file("old.bin"))
    #expect(loaded.parameters.objective == .regression)
    #expect(loaded.parameters == model.parameters)
    #expect(loaded.trees == model.trees)
    #expect(loaded.lightGBMModelText().contains("\nobjective=regression\n"))
    #expect(loaded.lightGBMModelText().contains("\n[objective: regression]\n"))
  }
}
