import Foundation
import NeuralNetwork
import NumeraiData
import TestSupport
import Testing

@testable import Features

/// `ae:K`: seed 002's autoencoder — it learns a known low-rank structure, its outputs are Numerai-shaped,
/// saving and loading reproduces them bit for bit, and applying it to new rows never refits.
@Suite struct AutoencoderTransformTests {
  /// 40 eras × 100 rows of 30 features, each a noisy binned mix of two hidden factors per row.
  static let lowRank = lowRankData(eras: 40, rowsPerEra: 100, features: 30, seed: 11)
  static let settings = AutoencoderSettings(latent: 4, extremeWidth: 16, hiddenWidth: 32, epochs: 8, batchSize: 64, seed: 5, holdoutEras: 8)
  static let fitted = try! AutoencoderTransform.fit(settings, on: lowRank)

  /// Known answer: features made from two factors are reconstructed on held-out eras far better than by their
  /// mean (the error of predicting every feature by its mean is its variance), and the held-out error falls.
  @Test func learnsTheLowRankStructureOnHeldOutEras() throws {
    let t = Self.fitted
    let heldOut = try #require(t.history.last?.holdoutLoss)
    let firstHeldOut = try #require(t.history.first?.holdoutLoss)
    let variance = Self.meanFeatureVariance(Self.lowRank, eras: 32..<40)
    #expect(heldOut < 0.5 * variance, "held-out MSE \(heldOut) vs variance \(variance)")
    #expect(heldOut < firstHeldOut)
    #expect(t.history.map(\.epoch) == Array(1...8))
    // The held-out figure is the reconstruction error of those eras' rows.
    let heldOutRows = Self.lowRank.rows(ofEras: 32..<40)
    let recomputed = try t.reconstructionError(Self.subset(Self.lowRank, eras: 32..<40))
    #expect(abs(recomputed - heldOut) < 1e-12, "\(recomputed) vs \(heldOut) over \(heldOutRows.count) rows")
  }

  /// Outputs: K latents binned per era into five equal-count bins, then the argmax within 0…4.
  @Test func outputsAreNumeraiShaped() throws {
    let out = try Self.fitted.apply(to: Self.lowRank)
    #expect(out.featureNames == ["feature_ae_latent_01", "feature_ae_latent_02", "feature_ae_latent_03", "feature_ae_latent_04", "feature_ae_argmax"])
    for j in 0..<4 {
      for range in out.eraRanges {
        var counts = [Int](repeating: 0, count: 5)
        for i in range { counts[Int(out.features[i, j])] += 1 }
        #expect(counts == [20, 20, 20, 20, 20])
      }
    }
    let latents = try Self.fitted.latents(Self.lowRank)
    for row in [0, 17, 999, 3999] {
      let values = latents[(row * 4)..<(row * 4 + 4)]
      let best = values.indices.max { values[$0] < values[$1] }! - row * 4
      #expect(out.features[row, 4] == Int8(best * 5 / 4))
    }
  }

  /// Save → load → apply gives the same columns, bit for bit; a refit with the same seed gives the same stage.
  @Test func saveLoadApplyIsBitForBitAndFitsAreSeeded() throws {
    let loaded = try FeatureTransforms.load(try Self.fitted.encoded(), source: "ae.smt")
    #expect(loaded.spec == "ae:4")
    let a = try Self.fitted.apply(to: Self.lowRank)
    let b = try loaded.apply(to: Self.lowRank)
    for j in 0..<a.featureCount { #expect(a.features.columnArray(j) == b.features.columnArray(j)) }
    let refit = try AutoencoderTransform.fit(Self.settings, on: Self.lowRank)
    #expect(try refit.latents(Self.lowRank) == (try Self.fitted.latents(Self.lowRank)))
    var other = Self.settings
    other.seed = 6
    #expect(try AutoencoderTransform.fit(other, on: Self.lowRank).latents(Self.lowRank) != (try Self.fitted.latents(Self.lowRank)))
  }

  /// New rows (an era never fitted on) get the latest era value and latents computed row by row: the same
  /// rows alone or among others give the same latents — applying never refits.
  @Test func applyingToLiveRowsNeverRefits() throws {
    let t = Self.fitted
    #expect(t.eraValues.count == 32 && t.eraValues[Self.lowRank.eras[0]] == 0 && t.eraValues[Self.lowRank.eras[31]] == 12)
    let live = Self.subset(Self.lowRank, eras: 39..<40, renamedEra: "live")
    let asLive = try t.latents(live)
    let asPartOfAll = try t.latents(Self.lowRank).suffix(100 * 4)
    #expect(Array(asPartOfAll) == asLive)  // era 39 was held out, so it also had the latest era value
    let trained = Self.subset(Self.lowRank, eras: 0..<1)
    #expect(try t.latents(trained) != Array(try t.latents(Self.subset(Self.lowRank, eras: 0..<1, renamedEra: "live"))))
  }

  /// One line each: missing input features, settings out of range, too many held-out eras.
  @Test func badInputGetsOneClearError() throws {
    let fewer = Self.subset(Self.lowRank, eras: 0..<2, features: 29)
    #expect(throws: FeatureTransformError.missingInput(spec: "ae:4", feature: "feature_29")) { try Self.fitted.apply(to: fewer) }
    var bad = Self.settings
    bad.dropout = 1
    #expect(throws: FeatureTransformError.badSpec("ae:4", expected: "a dropout rate in [0, 1)")) {
      try AutoencoderTransform.fit(bad, on: Self.lowRank)
    }
    bad = Self.settings
    bad.holdoutEras = 40
    #expect(throws: FeatureTransformError.self) { try AutoencoderTransform.fit(bad, on: Self.lowRank) }
    #expect(throws: FeatureTransformError.unknownSpec("autoencoder:3")) { try FeatureTransforms.fit("autoencoder:3", on: fewer) }
  }

  // MARK: - Data

  static func lowRankData(eras: Int, rowsPerEra: Int, features: Int, seed: UInt64) -> Dataset {
    var rng = RandomSource(seed: seed)
    func normal() -> Double {
      let u = max(rng.nextUnit(), 1e-12), v = rng.nextUnit()
      return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    let loadings = (0..<features).map { _ in (normal(), normal()) }
    let rows = eras * rowsPerEra
    var columns = [[Int8]](repeating: [Int8](repeating: 0, count: rows), count: features)
    for i in 0..<rows {
      let (f, g) = (normal(), normal())
      for j in 0..<features {
        let value = loadings[j].0 * f + loadings[j].1 * g + 0.3 * normal()
        columns[j][i] = Int8(max(0, min(4, (value / 0.6 + 2.5).rounded(.down))))
      }
    }
    return Dataset(
      ids: StringColumn((0..<rows).map { "r\($0)" }), eras: (0..<eras).map { String(format: "era%03d", $0) },
      eraRanges: (0..<eras).map { ($0 * rowsPerEra)..<(($0 + 1) * rowsPerEra) },
      featureNames: (0..<features).map { "feature_\($0)" }, features: ColumnMajorMatrix(columns: columns, rowCount: rows),
      targetNames: [], targets: ColumnMajorMatrix(columns: [], rowCount: rows))
  }

  /// The rows of `eras` (renamed to one era if asked), over the first `features` features.
  static func subset(_ d: Dataset, eras: Range<Int>, renamedEra: String? = nil, features: Int? = nil) -> Dataset {
    let rows = d.rows(ofEras: eras)
    let width = features ?? d.featureCount
    let columns = (0..<width).map { j in rows.map { d.features[$0, j] } }
    var ranges: [Range<Int>] = []
    var start = 0
    for e in eras {
      ranges.append(start..<(start + d.eraRanges[e].count))
      start += d.eraRanges[e].count
    }
    return Dataset(
      ids: d.ids.gathering(rows), eras: renamedEra.map { [$0] } ?? Array(d.eras[eras]),
      eraRanges: renamedEra == nil ? ranges : [0..<rows.count], featureNames: Array(d.featureNames.prefix(width)),
      features: ColumnMajorMatrix(columns: columns, rowCount: rows.count), targetNames: [],
      targets: ColumnMajorMatrix(columns: [], rowCount: rows.count))
  }

  /// Mean over features of the variance of (value − 2) / 2 over the rows of `eras`.
  static func meanFeatureVariance(_ d: Dataset, eras: Range<Int>) -> Double {
    let rows = d.rows(ofEras: eras)
    let variances = (0..<d.featureCount).map { j -> Double in
      let x = rows.map { (Double(d.features[$0, j]) - 2) / 2 }
      let mean = x.reduce(0, +) / Double(x.count)
      return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
    }
    return variances.reduce(0, +) / Double(variances.count)
  }
}
