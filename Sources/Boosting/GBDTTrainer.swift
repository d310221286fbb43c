import Foundation
import NumeraiData

/// Trains gradient-boosted regression trees with LightGBM's semantics on a Dataset's int8 columns.
///
/// The initial score and each iteration's gradients (as Float, like LightGBM's score_t) come from the
/// parameters' `Objective` (L2: mean label, score − label, hessian 1); each iteration then samples a fresh
/// feature subset (colsample_bytree), grows a tree leaf-wise and adds its shrunk outputs to the scores. The first tree carries the initial score, as in LightGBM's files.
/// Deterministic: the same parameters and seed give bit-identical models for any thread count (every
/// histogram sum is accumulated by one thread in row order).
public enum GBDTTrainer {
  /// Trains on dataset `rows` (those with a NaN target are left out) against target column `target`.
  public static func train(
    _ dataset: Dataset, rows: [Int], target: Int, parameters: BoostingParameters, threads: Int = 2,
    shouldStop: @Sendable () -> Bool = { false }
  ) throws -> BoostedModel {
    try parameters.validate()
    guard target >= 0 && target < dataset.targetNames.count else {
      throw BoostingError("target column \(target) does not exist (the data has \(dataset.targetNames.count))")
    }
    let targetColumn = dataset.targets.columnArray(target)
    let training = rows.filter { !targetColumn[$0].isNaN }
    guard !training.isEmpty else {
      throw BoostingError("no labelled rows to train on: target '\(dataset.targetNames[target])' is NaN in all \(rows.count) rows")
    }
    let n = training.count
    let labels = training.map { targetColumn[$0] }
    let featureCount = dataset.featureCount
    // Bins per feature from the training rows' value counts.
    var bins: [FeatureBins] = []
    var ranges: [ClosedRange<Int>?] = []
    for j in 0..<featureCount {
      var counts = [Int](repeating: 0, count: 5)
      dataset.features.withUnsafeColumn(j) { column in
        for r in training { counts[Int(column[r])] += 1 }
      }
      bins.append(FeatureBins(counts: counts, maxBin: parameters.maxBin))
      let present = (0..<5).filter { counts[$0] > 0 }
      ranges.append(present.isEmpty ? nil : present.first!...present.last!)
    }
    let learner = TreeLearner(
      features: dataset.features, columns: Array(0..<featureCount), bins: bins, rows: training.map { Int32($0) },
      parameters: parameters, threads: threads)
    let objective = parameters.objective
    precondition(objective.constantHessian == 1, "the tree learner takes row counts as hessian sums")
    let initScore = objective.initialScore(labels: labels)
    var scores = [Double](repeating: initScore, count: n)
    var gradients = [Float](repeating: 0, count: n)
    var trees: [Tree] = []
    let usable = (0..<featureCount).filter { bins[$0].count > 1 }
    let sampleSize = max(1, Int(Double(usable.count) * parameters.colsampleBytree + 0.5))
    var rng = SplitMix64(seed: parameters.seed &+ 0x5851_F42D_4C95_7F2D)
    for iteration in 0..<parameters.nEstimators {
      if shouldStop() { throw CancellationError() }
      objective.gradients(scores: scores, labels: labels, into: &gradients)
      let sampled = sampleSize >= usable.count ? usable : rng.sample(sampleSize, from: usable)
      var (tree, leaves) = learner.grow(gradients: gradients, sampled: sampled)
      tree.shrink(parameters.learningRate)
      let grew = tree.leafCountTotal > 1
      if grew || iteration == 0 {
        for (leaf, positions) in leaves.enumerated() {
          let value = tree.leafValue[leaf]
          for p in positions { scores[Int(p)] += value }
        }
        if iteration == 0 { tree.addBias(initScore) }
        trees.append(tree)
      }
      if !grew { break }
    }
    return BoostedModel(
      featureNames: dataset.featureNames, featureRanges: ranges, trees: trees, parameters: parameters,
      trainingRows: n)
  }
}

extension SplitMix64 {
  /// `k` distinct elements of `items`, in their original order (a partial Fisher–Yates shuffle).
  mutating func sample(_ k: Int, from items: [Int]) -> [Int] {
    var pool = items
    for i in 0..<k { pool.swapAt(i, i + Int(next() % UInt64(pool.count - i))) }
    return pool[0..<k].sorted()
  }
}
