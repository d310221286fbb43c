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
    guard target >= 0 && target < dataset.targetNames.count else {
      throw BoostingError("target column \(target) does not exist (the data has \(dataset.targetNames.count))")
    }
    return try train(TrainingRows(dataset, rows: rows, target: target), parameters: parameters, threads: threads, shouldStop: shouldStop)
  }

  /// Trains on `training`'s blocks in order (rows with a NaN label are left out): the data set's rows, then the
  /// rows made for training, each read where it lies.
  public static func train(
    _ training: TrainingRows, parameters: BoostingParameters, threads: Int = 2, shouldStop: @Sendable () -> Bool = { false }
  ) throws -> BoostedModel {
    try parameters.validate()
    let dataset = training.dataset
    guard training.target >= 0 && training.target < dataset.targetNames.count else {
      throw BoostingError("target column \(training.target) does not exist (the data has \(dataset.targetNames.count))")
    }
    let blocks = training.blocks.map { $0.labelled() }
    let labels = blocks.flatMap(\.labels)
    guard !labels.isEmpty else {
      throw BoostingError(
        "no labelled rows to train on: target '\(dataset.targetNames[training.target])' is NaN in all \(training.rows.count + training.extraRowCount) rows")
    }
    let n = labels.count
    let featureCount = dataset.featureCount
    let counts = valueCounts(blocks, featureCount: featureCount)
    let bins = counts.map { FeatureBins(counts: $0, maxBin: parameters.maxBin) }
    let ranges = counts.map { counts -> ClosedRange<Int>? in
      let present = (0..<5).filter { counts[$0] > 0 }
      return present.isEmpty ? nil : present.first!...present.last!
    }
    let learner = TreeLearner(blocks: blocks, columns: Array(0..<featureCount), bins: bins, parameters: parameters, threads: threads)
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

  /// Per feature, how many training rows hold each value 0…4 (a block's middle columns count as 2).
  static func valueCounts(_ blocks: [TrainingRows.Block], featureCount: Int) -> [[Int]] {
    let middle = blocks.map { block in
      var isMiddle = [Bool](repeating: false, count: featureCount)
      for j in block.middleColumns { isMiddle[j] = true }
      return isMiddle
    }
    return (0..<featureCount).map { j in
      var counts = [Int](repeating: 0, count: 5)
      for (b, block) in blocks.enumerated() {
        if middle[b][j] {
          counts[2] += block.rows.count
          continue
        }
        block.features.withUnsafeColumn(j) { column in
          for r in block.rows { counts[Int(column[r])] += 1 }
        }
      }
      return counts
    }
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
