import Foundation
import NeuralNetwork
import NumeraiData

extension UMAPTransform {
  /// Each row's embedding (`rows × components`, row-major): a fitted row's own, any other row placed by
  /// `place`. Rows are independent of each other, so a row alone or among others gets the same values.
  /// - Throws: `FeatureTransformError.missingInput` when `dataset` lacks an input feature.
  public func embed(_ dataset: Dataset) throws -> [Float] {
    let columns = try inputColumns(in: dataset)
    let k = settings.components
    var out = [Float](repeating: 0, count: dataset.rowCount * k)
    let search = ExactNeighbors(sample)
    let block = 1024
    for start in stride(from: 0, to: dataset.rowCount, by: block) {
      let rows = Int8Rows(dataset, columns: columns, rows: Array(start..<min(dataset.rowCount, start + block)))
      let placed = SendableBox([[Float]](repeating: [], count: rows.count))
      DispatchQueue.concurrentPerform(iterations: 2) { worker in
        let half = (rows.count + 1) / 2
        let mine = worker == 0 ? 0..<half : half..<rows.count
        let known = mine.map { fittedEmbedding(rows.row($0)) }
        for (r, embedding) in zip(mine, known) { if let embedding { placed.set(r, embedding) } }
        let new = zip(mine, known).filter { $0.1 == nil }.map(\.0)
        for (r, neighbours) in zip(new, search.nearest(rows, rows: new, k: settings.neighbors)) {
          placed.set(r, place(neighbours, seed: settings.seed ^ Self.hash(rows.row(r))))
        }
      }
      for (r, values) in placed.value.enumerated() {
        out.replaceSubrange(((start + r) * k)..<((start + r + 1) * k), with: values)
      }
    }
    return out
  }

  /// The embedding of a row equal to a fitted row (its first copy's), nil for any other row.
  func fittedEmbedding(_ row: ArraySlice<Int8>) -> [Float]? {
    let k = settings.components
    return fittedRow[row].map { i in Array(embedding[(i * k)..<((i + 1) * k)]) }
  }

  /// One new row placed as umap-learn's `transform`, from its `neighbors` nearest fitted rows (exact, as
  /// (squared distance, fitted row)): memberships by `smooth_knn_dist` with local connectivity 0, the
  /// membership-weighted mean of their embeddings as the start, then a third of the fit's epochs of SGD (step
  /// 1/4) with the fitted embedding fixed. The edge weights' maximum and the random stream (`seed`: the
  /// settings' seed and the row's values) are this row's own, where umap-learn shares them across the batch.
  func place(_ neighbours: [(Int32, Int32)], seed: UInt64) -> [Float] {
    let k = settings.components
    let distances = neighbours.map { Double($0.0).squareRoot() }
    let (sigmas, rhos) = FuzzySimplicialSet.smoothDistances(distances, k: distances.count, localConnectivity: 0)
    let weights = distances.map { FuzzySimplicialSet.membership($0, sigma: sigmas[0], rho: rhos[0]) }
    let total = max(weights.reduce(0, +), .leastNonzeroMagnitude)
    var position = [Float](repeating: 0, count: k)
    for (m, (_, j)) in neighbours.enumerated() {
      for d in 0..<k { position[d] += Float(weights[m] / total) * embedding[Int(j) * k + d] }
    }
    let edges = FuzzySimplicialSet.Edges(
      head: Array(repeating: 0, count: neighbours.count), tail: neighbours.map(\.1), weight: weights)
    let epochs = settings.transformEpochs(fittedRows: sample.count)
    var rng = RandomSource(seed: seed)
    var layout = UMAPLayout(curve: curve)
    layout.learningRate = 0.25
    layout.optimise(
      &position, tail: embedding, tailCount: sample.count, dim: k, schedule: .init(edges, epochs: epochs),
      epochs: epochs,
      rng: &rng)
    return position
  }

  /// FNV-1a of the row's values (the same on every platform).
  static func hash(_ row: ArraySlice<Int8>) -> UInt64 {
    row.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64(UInt8(bitPattern: $1))) &* 0x100_0000_01B3 }
  }
}
