import Foundation
import NeuralNetwork
import NumeraiData
import Testing

@testable import Features

/// `cl:K`: VICReg's gradients are the loss's, the encoder learns view-invariant embeddings that do not collapse,
/// and the stage saves, loads and applies like the others.
@Suite struct ContrastiveTransformTests {
  static let data = AutoencoderTransformTests.lowRankData(eras: 20, rowsPerEra: 100, features: 30, seed: 4)
  static let settings = ContrastiveSettings(embedding: 6, hiddenWidth: 32, epochs: 6, batchSize: 128, learningRate: 3e-3, seed: 2)
  static let fitted = try! ContrastiveTransform.fit(settings, on: data)

  /// Both gradients match central finite differences of the loss (with dimensions below and above the
  /// variance hinge).
  @Test func vicregGradientsMatchFiniteDifferences() {
    var rng = RandomSource(seed: 9)
    let rows = 7, width = 3
    let a = (0..<rows * width).map { k in Float(k % 3 == 0 ? 2.5 : 0.3) * Float(rng.nextUnit() - 0.5) }
    let b = (0..<rows * width).map { _ in Float(rng.nextUnit() - 0.5) }
    let loss = VICRegLoss()
    let (_, ga, gb) = loss.evaluate(a, b, rows: rows, width: width)
    for (which, x, g) in [(0, a, ga), (1, b, gb)] {
      for i in x.indices {
        var up = x, down = x
        up[i] += 1e-2
        down[i] -= 1e-2
        let lu = which == 0 ? loss.evaluate(up, b, rows: rows, width: width).loss : loss.evaluate(a, up, rows: rows, width: width).loss
        let ld = which == 0 ? loss.evaluate(down, b, rows: rows, width: width).loss : loss.evaluate(a, down, rows: rows, width: width).loss
        let numeric = (lu - ld) / 2e-2
        #expect(abs(numeric - Double(g[i])) < 2e-3 * max(1, abs(numeric)), "view \(which) element \(i): \(numeric) vs \(g[i])")
      }
    }
  }

  /// Two noisy views of a row embed far closer to each other than to another row's, the loss falls, and no
  /// dimension collapses.
  @Test func learnsViewInvariantEmbeddingsWithoutCollapse() throws {
    let t = Self.fitted
    #expect(t.losses.last! < t.losses.first!, "\(t.losses)")
    let columns = Array(0..<Self.data.featureCount)
    let batch = RowBatch(Self.data, columns: columns, rowIndices: 0..<500) { _ in 0 }
    var rng = RandomSource(seed: 77)
    var network = t.encoder
    let a = network.forward(ContrastiveTransform.view(batch.features, settings: t.settings, rng: &rng), rows: 500, caching: false)
    let b = network.forward(ContrastiveTransform.view(batch.features, settings: t.settings, rng: &rng), rows: 500, caching: false)
    let k = t.settings.embedding
    func distance(_ i: Int, _ j: Int) -> Double {
      (0..<k).reduce(0.0) { $0 + pow(Double(a[i * k + $1] - b[j * k + $1]), 2) }.squareRoot()
    }
    let same = (0..<500).map { distance($0, $0) }.reduce(0, +) / 500
    let other = (0..<500).map { distance($0, ($0 + 250) % 500) }.reduce(0, +) / 500
    #expect(same < 0.5 * other, "same row \(same), other rows \(other)")
    let z = try t.embeddings(Self.data)
    for j in 0..<k {
      let column = (0..<Self.data.rowCount).map { Double(z[$0 * k + j]) }
      let mean = column.reduce(0, +) / Double(column.count)
      let std = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot()
      #expect(std > 0.2, "dimension \(j + 1) collapsed: std \(std)")
    }
  }

  /// Names, per-era bins, bit-for-bit save/load, seeded fits, one-line errors.
  @Test func savesLoadsAndAppliesLikeEveryStage() throws {
    let out = try Self.fitted.apply(to: Self.data)
    #expect(out.featureNames == (1...6).map { String(format: "feature_cl_%03d", $0) })
    for range in out.eraRanges {
      var counts = [Int](repeating: 0, count: 5)
      for i in range { counts[Int(out.features[i, 2])] += 1 }
      #expect(counts == [20, 20, 20, 20, 20])
    }
    let loaded = try FeatureTransforms.load(try Self.fitted.encoded(), source: "cl.smt")
    #expect(loaded.spec == "cl:6")
    let again = try loaded.apply(to: Self.data)
    for j in 0..<6 { #expect(again.features.columnArray(j) == out.features.columnArray(j)) }
    #expect(try ContrastiveTransform.fit(Self.settings, on: Self.data).embeddings(Self.data) == (try Self.fitted.embeddings(Self.data)))
    let narrow = AutoencoderTransformTests.subset(Self.data, eras: 0..<1, features: 10)
    #expect(throws: FeatureTransformError.missingInput(spec: "cl:6", feature: "feature_10")) { try Self.fitted.apply(to: narrow) }
    var bad = Self.settings
    bad.cutout = 1
    #expect(throws: FeatureTransformError.badSpec("cl:6", expected: "a cutout fraction in [0, 1) and noise of at least 0")) {
      try ContrastiveTransform.fit(bad, on: Self.data)
    }
  }
}
