import Features
import Foundation
import NumeraiData
import Testing

@Suite struct IdentityTransformTests {
  static let dataset = try! SyntheticNumerai(.init(eras: 11, rowsPerEra: 20, features: 5, targets: 1, seed: 2, validationEras: 5)).train

  @Test func rawIsFittedWithoutLabelsAndReturnsTheDataUnchanged() throws {
    let stage = try FeatureTransforms.fit("raw", on: Self.dataset)
    #expect(stage.spec == "raw")
    #expect(stage.inputNames == Self.dataset.featureNames && stage.outputNames == Self.dataset.featureNames)
    let applied = try stage.apply(to: Self.dataset)
    #expect(applied.featureNames == Self.dataset.featureNames && applied.rowCount == Self.dataset.rowCount)
    #expect((0..<5).allSatisfy { j in (0..<applied.rowCount).allSatisfy { applied.features[$0, j] == Self.dataset.features[$0, j] } })
  }

  @Test func aSavedStageLoadsBackEqual() throws {
    let stage = try FeatureTransforms.fit("raw", on: Self.dataset)
    let loaded = try FeatureTransforms.load(try stage.encoded(), source: "features-raw.json")
    #expect(loaded as? IdentityTransform == stage as? IdentityTransform)
    #expect(String(decoding: try stage.encoded(), as: UTF8.self).hasPrefix(#"{"inputNames":["feature_0000","#))
  }

  @Test func badSpecsFilesAndDataAreOneClearError() throws {
    #expect(throws: FeatureTransformError.unknownSpec("ica:3")) { try FeatureTransforms.fit("ica:3", on: Self.dataset) }
    #expect(throws: FeatureTransformError.notATransform("x.json")) { try FeatureTransforms.load(Data("[1]".utf8), source: "x.json") }
    let stage = IdentityTransform(inputNames: Self.dataset.featureNames + ["feature_extra"])
    #expect(throws: FeatureTransformError.missingInput(spec: "raw", feature: "feature_extra")) { try stage.apply(to: Self.dataset) }
    #expect(
      FeatureTransformError.missingInput(spec: "raw", feature: "feature_extra").description
        == "feature stage 'raw' was fitted on feature_extra, which the data lacks")
  }
}
