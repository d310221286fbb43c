import Foundation
import NeuralNetwork
import NumeraiData
import Testing

@testable import Features

/// Augmentations: built from the training rows only, Numerai-shaped, with the promised cutout fraction and target
/// bins, and synthetic eras whose targets carry the sampled coefficients.
@Suite struct TrainingAugmentationTests {
  static let data = try! SyntheticNumerai(.init(eras: 24, rowsPerEra: 100, features: 20, targets: 1, seed: 6, validationEras: 1, unlabelledEras: 0)).train
  static let trainRows = data.rows(ofEras: 0..<16)

  @Test func specsRoundTripAndBadOnesAreOneError() throws {
    for spec in ["cutout:0.1:1", "noise:0.3:2", "rowavg:1", "synthetic:10:3:100.0"] {
      #expect(try TrainingAugmentation(spec).spec == spec)
    }
    #expect(try TrainingAugmentation("synthetic:5") == .syntheticEras(count: 5, components: 3, ridge: 100))
    for bad in ["cutout:1.5:1", "noise:x:1", "mixup:1", "rowavg", "cutout:0.1"] {
      #expect(throws: FeatureTransformError.self) { try TrainingAugmentation(bad) }
    }
  }

  /// Cutout: in every new era exactly round(0.25 × 20) = 5 columns are all 2 and every other column equals the
  /// source rows'; targets copied; eras after the real ones, flagged augmented.
  @Test func cutoutSetsExactlyThePromisedFractionPerEra() throws {
    let out = try TrainingAugmentation.cutout(fraction: 0.25, copies: 2).rows(from: Self.data, trainRows: Self.trainRows, target: 0, seed: 1)
    #expect(out.rowCount == 2 * Self.trainRows.count && out.eras.count == 32)
    #expect(out.eras.allSatisfy { $0 > Self.data.eras.last! } && out.dataTypes?.allSatisfy { $0 == "augmented" } == true)
    for (e, range) in out.eraRanges.enumerated() {
      let source = Self.data.eraRanges[e % 16]
      var cut = 0
      for j in 0..<20 {
        let new = range.map { out.features[$0, j] }, old = source.map { Self.data.features[$0, j] }
        if new == old { continue }
        #expect(new.allSatisfy { $0 == 2 })
        cut += 1
      }
      #expect(cut == 5, "era \(e): \(cut) columns cut")
      #expect(range.map { out.targets[$0, 0] } == source.map { Self.data.targets[$0, 0] })
    }
  }

  /// Noise and row averages are re-binned per era: five equal-count bins in every column of every new era.
  @Test(arguments: ["noise:0.5:1", "rowavg:1"])
  func noiseAndAveragesAreRebinnedPerEra(spec: String) throws {
    let out = try TrainingAugmentation(spec).rows(from: Self.data, trainRows: Self.trainRows, target: 0, seed: 2)
    #expect(out.rowCount == Self.trainRows.count)
    for range in out.eraRanges {
      for j in [0, 7, 19] {
        var counts = [Int](repeating: 0, count: 5)
        for i in range { counts[Int(out.features[i, j])] += 1 }
        #expect(counts == [20, 20, 20, 20, 20])
      }
    }
  }

  /// Synthetic eras: targets binned 5/20/50/20/5 % per era; the eras' features are a real training era's rows.
  @Test func syntheticErasHaveNumeraiTargetBins() throws {
    let out = try TrainingAugmentation.syntheticEras(count: 6, components: 2, ridge: 50).rows(
      from: Self.data, trainRows: Self.trainRows, target: 0, seed: 3)
    #expect(out.eras.count == 6 && out.rowCount == 600 && out.dataTypes?.allSatisfy { $0 == "synthetic" } == true)
    for range in out.eraRanges {
      var counts: [Float: Int] = [:]
      for i in range { counts[out.targets[i, 0], default: 0] += 1 }
      #expect(counts == [0: 5, 0.25: 20, 0.5: 50, 0.75: 20, 1: 5])
      let column = range.map { out.features[$0, 3] }
      #expect((0..<16).contains { e in Self.data.eraRanges[e].map { Self.data.features[$0, 3] } == column })
    }
  }

  /// Known answer: eras generated from one known coefficient vector (a one-component mixture with a tiny
  /// spread), little noise: a ridge refit on each synthetic era points the same way (cosine > 0.9).
  @Test func ridgeRefitRecoversTheSampledCoefficients() throws {
    var rng = RandomSource(seed: 8)
    let beta = (0..<20).map { _ in GaussianMath.normal(&rng) }
    let tiny = (0..<20).map { a in (0..<20).map { $0 == a ? 1e-8 : 0.0 } }
    let generator = SyntheticEraGenerator(
      mixture: GaussianMixture(weights: [1], means: [beta], covariances: [tiny], logLikelihood: 0, iterations: 0), noise: 0.1)
    let groups = RowGroups(Self.data, rows: Self.trainRows)
    let out = try generator.generate(4, from: Self.data, groups: groups, target: 0, rng: &rng)
    for range in out.eraRanges {
      let rows = Array(range)
      let x = SyntheticEraGenerator.scaled(out, rows: rows)
      let y = SyntheticEraGenerator.centred(rows.map { Double(out.targets[$0, 0]) })
      let refit = try SyntheticEraGenerator.ridgeFit(x, y, ridge: 1)
      let cosine = zip(refit, beta).reduce(0) { $0 + $1.0 * $1.1 }
        / (refit.reduce(0) { $0 + $1 * $1 }.squareRoot() * beta.reduce(0) { $0 + $1 * $1 }.squareRoot())
      #expect(cosine > 0.9, "cosine \(cosine)")
    }
  }

  /// Rows outside the training rows (test folds, sealed eras, live rows) never reach an augmentation: poisoning
  /// them changes no output value.
  @Test(arguments: ["cutout:0.2:1", "noise:0.3:1", "rowavg:1", "synthetic:3:2:50"])
  func rowsOutsideTrainingNeverReachAnAugmentation(spec: String) throws {
    let d = Self.data
    let poisonedFeatures = (0..<d.featureCount).map { j in
      d.features.columnArray(j).enumerated().map { i, v in Self.trainRows.contains(i) ? v : Int8(4 - Int(v)) }
    }
    let poisonedTargets = [d.targets.columnArray(0).enumerated().map { i, v in i < Self.trainRows.count ? v : 1 - v }]
    let poisoned = Dataset(
      ids: d.ids, eras: d.eras, eraRanges: d.eraRanges, featureNames: d.featureNames,
      features: ColumnMajorMatrix(columns: poisonedFeatures, rowCount: d.rowCount), targetNames: d.targetNames,
      targets: ColumnMajorMatrix(columns: poisonedTargets, rowCount: d.rowCount))
    let augmentation = try TrainingAugmentation(spec)
    let clean = try augmentation.rows(from: d, trainRows: Self.trainRows, target: 0, seed: 5)
    let dirty = try augmentation.rows(from: poisoned, trainRows: Self.trainRows, target: 0, seed: 5)
    for j in 0..<d.featureCount { #expect(clean.features.columnArray(j) == dirty.features.columnArray(j)) }
    #expect(clean.targets.columnArray(0).map(\.bitPattern) == dirty.targets.columnArray(0).map(\.bitPattern))
  }
}
