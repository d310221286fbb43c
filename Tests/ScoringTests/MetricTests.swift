import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Scoring

/// Known answers for the building blocks, Φ⁻¹ against scipy, and the bad-input errors.
@Suite struct MetricTests {
  @Test func tieKeptRankAveragesTies() {
    #expect(NumeraiMetrics.tieKeptRank([3, 1, 2, 2]) == [0.875, 0.125, 0.5, 0.5])
    #expect(NumeraiMetrics.tieKeptRank([7, 7, 7]) == [0.5, 0.5, 0.5])
  }

  @Test func radixRankEqualsAComparisonSortRank() {
    var rng = SplitMix64(seed: 3)
    for trial in 0..<50 {
      let n = 1 + Int(rng.next() % 400)
      let levels = trial % 2 == 0 ? 7.0 : 1e9
      let x =
        (0..<n).map { _ in ((rng.uniform() - 0.5) * levels).rounded() * (trial % 3 == 0 ? 1e-300 : 1.7) }
        + [0.0, -0.0, -1e308, 1e308, .leastNonzeroMagnitude]
      let sorted = x.indices.sorted { x[$0] < x[$1] }
      var expected = [Double](repeating: 0, count: x.count)
      var i = 0
      while i < sorted.count {
        var j = i
        while j + 1 < sorted.count && x[sorted[j + 1]] == x[sorted[i]] { j += 1 }
        for k in i...j { expected[sorted[k]] = (Double(i + j + 2) / 2 - 0.5) / Double(x.count) }
        i = j + 1
      }
      #expect(NumeraiMetrics.tieKeptRank(x) == expected, "trial \(trial)")
    }
  }

  @Test func normalQuantileKnownValues() {
    #expect(NormalQuantile.value(0.5) == 0)
    #expect(abs(NormalQuantile.value(0.975) - 1.959963984540054) < 1e-15)
    #expect(abs(NormalQuantile.value(0.025) + 1.959963984540054) < 1e-15)
    #expect(NormalQuantile.value(0) == -.infinity)
    #expect(NormalQuantile.value(1) == .infinity)
    #expect(NormalQuantile.value(1.5).isNaN)
  }

  @Test func normalQuantileMatchesScipyAcrossTheInterval() throws {
    try PythonPeer.require(modules: ["scipy"], packages: ["scipy"])
    var ps: [Double] = []
    for k in 1..<2000 { ps.append(Double(k) / 2000) }
    for e in stride(from: -300.0, through: -2, by: 0.5) {
      ps.append(Foundation.pow(10, e))
      ps.append(1 - Foundation.pow(10, e))
    }
    ps.append(contentsOf: [0.425 + 0.5, 0.075, 0.925, 1e-16, Double.leastNormalMagnitude, 0.5 - 1e-12])
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = ps.map { "\($0)" }.joined(separator: "\n")
    try text.write(toFile: directory.file("p.txt"), atomically: true, encoding: .utf8)
    let output = try PythonPeer.run(
      script: """
        import sys
        from scipy.stats import norm
        for line in open(sys.argv[1]):
            print(repr(float(norm.ppf(float(line)))))
        """, arguments: [directory.file("p.txt")])
    let expected = output.split(separator: "\n").map { Double(String($0))! }
    #expect(expected.count == ps.count)
    var worst = 0.0
    for (p, x) in zip(ps, expected) where x.isFinite {
      let ours = NormalQuantile.value(p)
      worst = max(worst, abs(ours - x) / max(1, abs(x)))
    }
    #expect(worst < 1e-15, "worst relative difference \(worst)")
  }

  @Test func pearsonKnownAnswers() {
    #expect(abs(NumeraiMetrics.pearson([1, 2, 3, 4], [2, 4, 6, 8]) - 1) < 1e-15)
    #expect(abs(NumeraiMetrics.pearson([1, 2, 3], [1, 3, 2]) - 0.5) < 1e-15)
    #expect(NumeraiMetrics.pearson([1, 1, 1], [1, 2, 3]).isNaN)
  }

  @Test func rollUpKnownAnswers() {
    let r = RollUp([0.02, -0.01, 0.03, -0.04, 0.01, 0.02])
    #expect(abs(r.mean - 0.005) < 1e-15)
    // Population variance of the deviations from the mean 0.005.
    let variance = [0.015, -0.015, 0.025, -0.045, 0.005, 0.015].reduce(0) { $0 + $1 * $1 } / 6
    #expect(abs(r.std - variance.squareRoot()) < 1e-15)
    #expect(abs(r.sharpe - 0.005 / variance.squareRoot()) < 1e-12)
    // cumsum 0.02, 0.01, 0.04, 0.00, 0.01, 0.03; peak 0.04 then 0.00: drawdown 0.04.
    #expect(abs(r.maxDrawdown - 0.04) < 1e-15)
    #expect(RollUp([0.01, 0.02]).maxDrawdown == 0)
    #expect(abs(RollUp([-0.01, -0.02]).maxDrawdown - 0.02) < 1e-15)
    let last = RollUp([0.5, 0.02, -0.01, 0.03], lastEras: 3)
    #expect(abs(last.mean - 0.04 / 3) < 1e-15)
    #expect(RollUp([1, .nan, 3]).mean == 2)
  }

  @Test func neutralizingRemovesTheFeatureExposure() {
    let a: [Double] = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    let b: [Double] = [1, 1, 2, 0, 4, 3, 1, 2, 0, 4]
    let v: [Double] = [0.3, -1.2, 0.8, 2.0, -0.4, 0.1, 0.9, -2.2, 1.4, 0.5]
    // A duplicated column and a constant one are dropped without changing the projection.
    let plain = FeatureBasis(columns: [a, b], rowCount: 10).neutralize(v)!
    let degenerate = FeatureBasis(columns: [a, b, a, Array(repeating: 2, count: 10)], rowCount: 10).neutralize(v)!
    #expect(zip(plain, degenerate).allSatisfy { abs($0 - $1) < 1e-13 })
    #expect(abs(plain.reduce(0, +)) < 1e-13)
    #expect(abs(zip(plain, a).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-12)
    #expect(abs(zip(plain, b).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-12)
  }

  @Test func integerBinsFitEqualsTheDoubleFit() {
    // Full-range Int8 values (products up to 2^14) and 3000 rows: the exact integer Gram path agrees.
    var rng = SplitMix64(seed: 11)
    let n = 3000
    let columns: [[Int8]] = (0..<6).map { j in
      (0..<n).map { _ in j == 0 ? Int8(truncatingIfNeeded: rng.next()) : Int8(rng.next() % 5) }
    }
    let v = (0..<n).map { _ in rng.uniform() }
    let flat = columns.flatMap { $0 }
    let fromBins = flat.withUnsafeBufferPointer { FeatureBasis(bins: $0, rowCount: n, featureCount: 6) }.neutralize(v)!
    let fromDoubles = FeatureBasis(columns: columns.map { $0.map(Double.init) }, rowCount: n).neutralize(v)!
    #expect(zip(fromBins, fromDoubles).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  // MARK: - Bad input

  static func smallDataset(rowsPerEra: [Int]) -> Dataset {
    var ranges: [Range<Int>] = []
    var start = 0
    for n in rowsPerEra {
      ranges.append(start..<(start + n))
      start += n
    }
    let n = start
    return Dataset(
      ids: StringColumn((0..<n).map { "id\($0)" }), eras: rowsPerEra.indices.map { String(format: "%04d", $0 + 1) },
      eraRanges: ranges, featureNames: ["feature_a"],
      features: ColumnMajorMatrix(columns: [(0..<n).map { Int8($0 % 5) }], rowCount: n), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [(0..<n).map { Float($0 % 4) / 4 }], rowCount: n))
  }

  @Test func badInputGetsOneClearError() {
    let data = Self.smallDataset(rowsPerEra: [5, 1])
    let rows = Array(0..<6)
    let p: [Double] = [0.1, 0.5, 0.3, 0.2, 0.9, 0.4]
    #expect(throws: ScoringError("era 0002 has a single row; every scored era needs at least 2 rows with a target")) {
      try EraEvaluation.evaluate(predictions: p, dataset: data, rows: rows, target: 0)
    }
    let fine = Self.smallDataset(rowsPerEra: [3, 3])
    var nan = p
    nan[2] = .nan
    #expect(throws: ScoringError("prediction for id id2 is nan; expected a finite number")) {
      try EraEvaluation.evaluate(predictions: nan, dataset: fine, rows: rows, target: 0)
    }
    #expect(throws: ScoringError("all 6 predictions equal 0.5; constant predictions cannot be scored")) {
      try EraEvaluation.evaluate(predictions: Array(repeating: 0.5, count: 6), dataset: fine, rows: rows, target: 0)
    }
    #expect(throws: ScoringError("target index 3 out of range: the data has 1 targets")) {
      try EraEvaluation.evaluate(predictions: p, dataset: fine, rows: rows, target: 3)
    }
    #expect(throws: ScoringError("5 predictions for 6 rows; expected one prediction per row")) {
      try EraEvaluation.evaluate(predictions: Array(p.prefix(5)), dataset: fine, rows: rows, target: 0)
    }
  }
}
