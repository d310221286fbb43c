import Foundation
import NumeraiData
import Testing

@testable import Boosting

/// The pieces of the tree learner against plain reference computations on seeded random data.
@Suite struct TreeLearnerPartsTests {
  /// Seeded random int8 features 0…4, training rows with gaps (several row runs), dyadic gradients (so every
  /// sum is exact in any order).
  struct Fixture {
    let features: ColumnMajorMatrix<Int8>
    let columns: [[Int8]]
    let rows: [Int32]
    let gradients: [Float]
    let sampled: [Int]

    init(rowsInData: Int, featureCount: Int, sampledCount: Int, seed: UInt64) {
      var rng = SplitMix64(seed: seed)
      columns = (0..<featureCount).map { _ in (0..<rowsInData).map { _ in Int8(rng.next() % 5) } }
      features = ColumnMajorMatrix(columns: columns, rowCount: rowsInData)
      rows = (0..<rowsInData).filter { _ in rng.next() % 10 != 0 }.map { Int32($0) }
      gradients = rows.map { _ in Float(Int(rng.next() % 33) - 16) / 8 }
      sampled = rng.sample(sampledCount, from: Array(0..<featureCount))
    }

    /// The training rows as one block of the matrix.
    var blocks: [TrainingRows.Block] { [.init(features: features, rows: rows.map(Int.init), labels: gradients)] }

    /// Value of model feature `f` at training position `k`.
    func value(_ f: Int, _ k: Int32) -> Int8 { columns[f][Int(rows[Int(k)])] }
  }

  /// Splits random leaves at random thresholds, as the learner would, and checks every leaf's positions against a
  /// stable filter of its parent's. Feature counts give records of 2, 4, 4 and 16 words.
  @Test(arguments: [(5, 1), (30, 2), (70, 2), (200, 1)])
  func partitionEqualsAReferencePartition(sampledCount: Int, threads: Int) {
    let fixture = Fixture(rowsInData: 3000, featureCount: 240, sampledCount: sampledCount, seed: UInt64(sampledCount))
    let partition = DataPartition(blocks: fixture.blocks, threads: threads)
    partition.reset(
      gradients: fixture.gradients, columns: Array(0..<240), sampled: fixture.sampled)
    var reference: [[Int32]] = [Array(0..<Int32(fixture.rows.count))]
    var rng = SplitMix64(seed: 99)
    for _ in 0..<20 {
      let leaf = Int(rng.next() % UInt64(reference.count))
      let s = Int(rng.next() % UInt64(sampledCount))
      let threshold = Int8(rng.next() % 4)
      let f = fixture.sampled[s]
      let newLeaf = partition.split(leaf, sampledIndex: s, threshold: threshold)
      #expect(newLeaf == reference.count)
      let parent = reference[leaf]
      reference[leaf] = parent.filter { fixture.value(f, $0) <= threshold }
      reference.append(parent.filter { fixture.value(f, $0) > threshold })
    }
    #expect(partition.positionsByLeaf().map(Array.init) == reference)
    #expect((0..<reference.count).map(partition.count(of:)) == reference.map(\.count))
  }

  /// Large enough that the first partition runs on two threads: the same leaves as on one.
  @Test func partitionOnTwoThreadsEqualsOneThread() {
    let fixture = Fixture(rowsInData: 80_000, featureCount: 30, sampledCount: 30, seed: 7)
    var leaves: [[[Int32]]] = []
    for threads in [1, 2] {
      let partition = DataPartition(blocks: fixture.blocks, threads: threads)
      partition.reset(
        gradients: fixture.gradients, columns: Array(0..<30), sampled: fixture.sampled)
      _ = partition.split(0, sampledIndex: 4, threshold: 1)
      _ = partition.split(1, sampledIndex: 29, threshold: 2)
      leaves.append(partition.positionsByLeaf().map(Array.init))
    }
    #expect(leaves[0] == leaves[1])
    #expect(leaves[0].map(\.count).reduce(0, +) == fixture.rows.count)
  }

  /// Gradient sums and counts per (sampled feature, value) of `positions`, computed directly.
  static func directHistogram(_ fixture: Fixture, _ positions: [Int32]) -> (gradients: [Double], counts: [Int32]) {
    var gradients = [Double](repeating: 0, count: fixture.sampled.count * 5)
    var counts = [Int32](repeating: 0, count: fixture.sampled.count * 5)
    for k in positions {
      for (s, f) in fixture.sampled.enumerated() {
        gradients[s * 5 + Int(fixture.value(f, k))] += Double(fixture.gradients[Int(k)])
        counts[s * 5 + Int(fixture.value(f, k))] += 1
      }
    }
    return (gradients, counts)
  }

  static func histogram(_ histograms: LeafHistograms, leaf: Int) -> (gradients: [Double], counts: [Int32]) {
    var gradients: [Double] = []
    var counts: [Int32] = []
    for s in 0..<histograms.featureCount {
      histograms.withValues(leaf: leaf, feature: s) { g, c in
        gradients += (0..<5).map { g[$0] }
        counts += (0..<5).map { c[$0] }
      }
    }
    return (gradients, counts)
  }

  /// The root's histogram equals a direct count; after a split, the larger child's histogram by subtraction
  /// equals the one built from its rows, and the smaller child's too.
  @Test(arguments: [(7, 1), (30, 2), (100, 2)])
  func histogramSubtractionEqualsADirectBuild(sampledCount: Int, threads: Int) {
    let fixture = Fixture(rowsInData: 2500, featureCount: 120, sampledCount: sampledCount, seed: 3)
    let partition = DataPartition(blocks: fixture.blocks, threads: threads)
    partition.reset(
      gradients: fixture.gradients, columns: Array(0..<120), sampled: fixture.sampled)
    let subtracted = LeafHistograms(threads: threads)
    subtracted.reset(leaves: 4, featureCount: sampledCount)
    subtracted.construct(leaf: 0, from: partition)
    let all = Array(0..<Int32(fixture.rows.count))
    #expect(Self.histogram(subtracted, leaf: 0) == Self.directHistogram(fixture, all))
    let right = partition.split(0, sampledIndex: 1, threshold: 0)
    let smaller = partition.count(of: 0) <= partition.count(of: right) ? 0 : right
    let larger = smaller == 0 ? right : 0
    subtracted.assignSlots(parent: 0, newLeaf: right, smaller: smaller)
    subtracted.construct(leaf: smaller, from: partition)
    subtracted.subtract(smaller, from: larger)
    let direct = LeafHistograms(threads: threads)
    direct.reset(leaves: 4, featureCount: sampledCount)
    direct.construct(leaf: larger, from: partition)
    let largerPositions = Array(partition.positionsByLeaf()[larger])
    #expect(Self.histogram(subtracted, leaf: larger) == Self.histogram(direct, leaf: larger))
    #expect(Self.histogram(subtracted, leaf: larger) == Self.directHistogram(fixture, largerPositions))
    let smallerPositions = Array(partition.positionsByLeaf()[smaller])
    #expect(Self.histogram(subtracted, leaf: smaller) == Self.directHistogram(fixture, smallerPositions))
    // Value 0 of the split feature went left: the right child has none, the left only value 0.
    #expect(Self.histogram(subtracted, leaf: 0).counts[6...9] == [0, 0, 0, 0][...])
    #expect(Self.histogram(subtracted, leaf: right).counts[5] == 0)
  }

  /// The hand-checked data's root (HandCheckedTreeTests): G = 2.25, 1.25, −0.75, −2.75 over 3 rows per bin.
  @Test func bestThresholdOfAFeatureHistogram() throws {
    let histogram = FeatureHistogram(gradients: [2.25, 1.25, -0.75, -2.75], counts: [3, 3, 3, 3])
    var parameters = BoostingParameters()
    parameters.minChildSamples = 1
    let split = try #require(histogram.bestThreshold(feature: 7, sumGradient: 0, count: 12, parameters: parameters))
    #expect(split.feature == 7)
    #expect(split.thresholdBin == 1)
    #expect(abs(split.gain - 49.0 / 12) < 1e-9)
    #expect(split.leftCount == 6 && split.rightCount == 6)
    #expect(abs(split.leftGradient - 3.5) < 1e-12 && abs(split.rightGradient + 3.5) < 1e-12)
    #expect(abs(split.leftHessian - 6) < 1e-9 && abs(split.rightHessian - 6) < 1e-9)
    #expect(abs(split.leftOutput(lambda: 0) + 3.5 / 6) < 1e-9)
    // Every threshold leaves fewer than 7 rows on one side.
    parameters.minChildSamples = 7
    #expect(histogram.bestThreshold(feature: 7, sumGradient: 0, count: 12, parameters: parameters) == nil)
    // No threshold beats the leaf's own gain when all bins have the same mean gradient.
    let flat = FeatureHistogram(gradients: [1, 1, 1], counts: [2, 2, 2])
    #expect(flat.bestThreshold(feature: 0, sumGradient: 3, count: 6, parameters: BoostingParameters()) == nil)
  }

  @Test func bestLeafTakesTheLargerGainThenTheSmallerFeature() {
    let splits = [
      SplitInfo(gain: 1, feature: 3), SplitInfo(gain: 2, feature: 5), SplitInfo(gain: 2, feature: 1),
      SplitInfo(gain: 2, feature: 4),
    ]
    #expect(splits.bestLeaf() == 2)
    #expect([SplitInfo(), SplitInfo()].bestLeaf() == 0)
  }
}
