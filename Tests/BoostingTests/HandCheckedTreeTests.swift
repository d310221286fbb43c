import Foundation
import NumeraiData
import Testing

@testable import Boosting

/// The first tree on a tiny data set, worked out by hand.
///
/// x takes 0, 1, 2, 3 three times each; y sums to 1, 2, 4, 6 per value; mean 13/12. Gradients mean − y sum
/// to G = 2.25, 1.25, −0.75, −2.75 per value (H = 3 each). Gains G_L²/H_L + G_R²/H_R − G²/H:
/// after 0: 2.25²/3 + 2.25²/9 = 2.25; after 1: 3.5²/6 · 2 = 4.0833; after 2: 2.75²/9 + 2.75²/3 = 3.3611.
/// So the root splits at x ≤ 1. Then the right leaf {2, 3} (gain 0.75²/3 + 2.75²/3 − 3.5²/6 = 0.6667) beats
/// the left {0, 1} (2.25²/3 + 1.25²/3 − 3.5²/6 = 0.1667).
/// Gradients are Float (LightGBM's score_t), so values agree with the exact ones to ~1e-8, checked to 1e-6.
@Suite struct HandCheckedTreeTests {
  static func data() -> Dataset {
    let x: [Int8] = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    let y: [Float] = [0, 0, 1, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    return Dataset(
      ids: StringColumn((0..<12).map { "r\($0)" }), eras: ["0001"], eraRanges: [0..<12], featureNames: ["feature_x"],
      features: ColumnMajorMatrix(columns: [x], rowCount: 12), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [y], rowCount: 12))
  }

  static func parameters(leaves: Int, lambda: Double = 0) -> BoostingParameters {
    var p = BoostingParameters()
    p.nEstimators = 1
    p.learningRate = 1
    p.numLeaves = leaves
    p.minChildSamples = 1
    p.regLambda = lambda
    return p
  }

  @Test func rootSplitGainAndLeafValues() throws {
    let model = try GBDTTrainer.train(Self.data(), rows: Array(0..<12), target: 0, parameters: Self.parameters(leaves: 2))
    let tree = model.trees[0]
    #expect(tree.splitFeature == [0])
    #expect(tree.thresholdValue == [1])
    #expect(tree.threshold == [Double(1.5).nextUp])
    #expect(abs(tree.splitGain[0] - 49.0 / 12) < 1e-6)
    // Leaf outputs −G/H plus the initial score 13/12: the group means of y.
    #expect(abs(tree.leafValue[0] - 0.5) < 1e-6)
    #expect(abs(tree.leafValue[1] - 20.0 / 12) < 1e-6)
    #expect(tree.leafCount == [6, 6])
    #expect(abs(tree.internalValue[0] - 13.0 / 12) < 1e-6)
  }

  @Test func secondSplitTakesTheBetterLeafAndNumbersLeavesAsLightGBM() throws {
    let model = try GBDTTrainer.train(Self.data(), rows: Array(0..<12), target: 0, parameters: Self.parameters(leaves: 3))
    let tree = model.trees[0]
    #expect(tree.thresholdValue == [1, 2])
    #expect(abs(tree.splitGain[1] - 2.0 / 3) < 1e-6)
    #expect(tree.leftChild == [-1, -2])
    #expect(tree.rightChild == [1, -3])
    #expect(abs(tree.leafValue[1] - 4.0 / 3) < 1e-6)
    #expect(abs(tree.leafValue[2] - 2.0) < 1e-6)
    let predictions = try model.predict(Self.data())
    let expected: [Double] = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 4.0 / 3, 4.0 / 3, 4.0 / 3, 2, 2, 2]
    #expect(zip(predictions, expected).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func regLambdaShrinksGainsAndOutputs() throws {
    let model = try GBDTTrainer.train(
      Self.data(), rows: Array(0..<12), target: 0, parameters: Self.parameters(leaves: 2, lambda: 6))
    let tree = model.trees[0]
    // 3.5²/12 · 2 − 0 = 2.0417; left output −3.5/12 + 13/12.
    #expect(abs(tree.splitGain[0] - 2 * 12.25 / 12) < 1e-6)
    #expect(abs(tree.leafValue[0] - (13.0 - 3.5) / 12) < 1e-6)
  }

  @Test func lightGBMBinsMergeValuesByCount() {
    // Equal counts: max_bin 2 → {0}{1…4}; 3 → {0}{1,2}{3,4}; 4 → {0}{1,2}{3}{4}; 5 → one bin each.
    let counts = [100, 100, 100, 100, 100]
    #expect(FeatureBins(counts: counts, maxBin: 2).binOfValue == [0, 1, 1, 1, 1])
    #expect(FeatureBins(counts: counts, maxBin: 3).binOfValue == [0, 1, 1, 2, 2])
    #expect(FeatureBins(counts: counts, maxBin: 4).binOfValue == [0, 1, 1, 2, 3])
    #expect(FeatureBins(counts: counts, maxBin: 5).binOfValue == [0, 1, 2, 3, 4])
    // A heavy value gets a bin of its own.
    #expect(FeatureBins(counts: [100, 10, 500, 10, 10], maxBin: 3).binOfValue == [0, 1, 1, 2, 2])
    #expect(FeatureBins(counts: counts, maxBin: 5).upperBounds == [Double(Float(1e-35)), 1.5.nextUp, 2.5.nextUp, 3.5.nextUp, .infinity])
  }

  @Test func badParametersAreRefused() throws {
    var p = BoostingParameters()
    #expect(throws: BoostingError.self) { try p.set("num_leafs", to: "3") }
    for (name, value, message) in [
      ("num_leaves", "1", "parameter num_leaves=1: expected 2…131072"),
      ("learning_rate", "0", "parameter learning_rate=0.0: expected a number > 0"),
      ("colsample_bytree", "1.5", "parameter colsample_bytree=1.5: expected a fraction in (0, 1]"),
      ("max_bin", "256", "parameter max_bin=256: expected 2…255"),
    ] {
      #expect(throws: BoostingError(message)) { try BoostingParameters(lightGBMNames: [name: value]) }
    }
    let unlabelled = Dataset(
      ids: StringColumn(["a", "b"]), eras: ["0001"], eraRanges: [0..<2], featureNames: ["feature_x"],
      features: ColumnMajorMatrix(columns: [[0, 1]], rowCount: 2), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [[.nan, .nan]], rowCount: 2))
    #expect(throws: BoostingError("no labelled rows to train on: target 'target' is NaN in all 2 rows")) {
      try GBDTTrainer.train(unlabelled, rows: [0, 1], target: 0, parameters: BoostingParameters())
    }
    _ = p
  }
}
