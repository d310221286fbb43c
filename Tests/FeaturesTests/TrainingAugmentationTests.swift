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

  /// The new rows of `augmentation` made from the first 16 eras.
  static func blocks(_ augmentation: TrainingAugmentation, data: Dataset = data, seed: UInt64) throws -> [TrainingRows.Block] {
    let training = try augmentation.training(from: data, trainRows: trainRows, target: 0, seed: seed)
    #expect(training.rows == trainRows && training.target == 0)
    return training.extra
  }

  /// Every value and label of `blocks`, row by row, as the model sees them.
  static func values(_ blocks: [TrainingRows.Block]) -> [[Int8]] {
    blocks.flatMap { block in block.rows.indices.map { k in (0..<20).map { block.value(k, feature: $0) } } }
  }

  /// Cutout: in every new era exactly round(0.25 × 20) = 5 columns are all 2 and every other column equals the
  /// source rows'; labels copied; the rows are read in place from the data set's own matrix (no copy).
  @Test func cutoutSetsExactlyThePromisedFractionPerEra() throws {
    let blocks = try Self.blocks(.cutout(fraction: 0.25, copies: 2), seed: 1)
    #expect(blocks.count == 32 && blocks.reduce(0) { $0 + $1.rows.count } == 2 * Self.trainRows.count)
    for (e, block) in blocks.enumerated() {
      let source = Array(Self.data.eraRanges[e % 16])
      #expect(block.features === Self.data.features && block.rows == source)
      var cut = 0
      for j in 0..<20 {
        let new = block.rows.indices.map { block.value($0, feature: j) }, old = source.map { Self.data.features[$0, j] }
        if new == old { continue }
        #expect(new.allSatisfy { $0 == 2 })
        cut += 1
      }
      #expect(cut == 5 && block.middleColumns.count == 5, "era \(e): \(cut) columns cut")
      #expect(block.labels == source.map { Self.data.targets[$0, 0] })
    }
  }

  /// Noise and row averages are re-binned per era: five equal-count bins in every column of every new era; the
  /// new rows live in one matrix that holds only them.
  @Test(arguments: ["noise:0.5:1", "rowavg:1"])
  func noiseAndAveragesAreRebinnedPerEra(spec: String) throws {
    let blocks = try Self.blocks(TrainingAugmentation(spec), seed: 2)
    #expect(blocks.count == 16 && blocks.allSatisfy { $0.features === blocks[0].features })
    #expect(blocks[0].features.rowCount == Self.trainRows.count)
    for block in blocks {
      for j in [0, 7, 19] {
        var counts = [Int](repeating: 0, count: 5)
        for k in block.rows.indices { counts[Int(block.value(k, feature: j))] += 1 }
        #expect(counts == [20, 20, 20, 20, 20])
      }
    }
  }

  /// Synthetic eras: labels binned 5/20/50/20/5 % per era; the eras' features are a real training era's rows,
  /// read in place.
  @Test func syntheticErasHaveNumeraiTargetBins() throws {
    let blocks = try Self.blocks(.syntheticEras(count: 6, components: 2, ridge: 50), seed: 3)
    #expect(blocks.count == 6 && blocks.reduce(0) { $0 + $1.rows.count } == 600)
    for block in blocks {
      var counts: [Float: Int] = [:]
      for label in block.labels { counts[label, default: 0] += 1 }
      #expect(counts == [0: 5, 0.25: 20, 0.5: 50, 0.75: 20, 1: 5])
      #expect(block.features === Self.data.features)
      #expect((0..<16).contains { Array(Self.data.eraRanges[$0]) == block.rows })
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
    for block in try generator.generate(4, from: Self.data, groups: groups, target: 0, rng: &rng) {
      let x = SyntheticEraGenerator.scaled(Self.data, rows: block.rows)
      let y = SyntheticEraGenerator.centred(block.labels.map(Double.init))
      let refit = try SyntheticEraGenerator.ridgeFit(x, y, ridge: 1)
      let dot = zip(refit, beta).reduce(0) { $0 + $1.0 * $1.1 }
      let norms = refit.reduce(0) { $0 + $1 * $1 }.squareRoot() * beta.reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(dot / norms > 0.9, "cosine \(dot / norms)")
    }
  }

  /// Rows outside the training rows (test folds, sealed eras, live rows) never reach an augmentation: poisoning
  /// them changes no value or label of the new rows.
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
    let clean = try Self.blocks(augmentation, seed: 5)
    let dirty = try Self.blocks(augmentation, data: poisoned, seed: 5)
    #expect(Self.values(clean) == Self.values(dirty))
    #expect(clean.flatMap(\.labels).map(\.bitPattern) == dirty.flatMap(\.labels).map(\.bitPattern))
  }
}
