import NumeraiData

/// Rows projected on weight vectors: Σ_j (x_ij − μ_j) w_j per row, for each weight vector.
enum LinearProjection {
  /// One score per row of `dataset` for each of `weights` (over `inputNames`, centred by `means`).
  /// - Throws: `FeatureTransformError.missingInput` when `dataset` lacks an input feature.
  // PERFORMANCE: rows × features × weights multiply-adds, column by column over the int8 storage.
  static func scores(
    _ dataset: Dataset, inputNames: [String], means: [Double], weights: [[Double]], spec: String
  ) throws -> [[Double]] {
    let columns = try FeatureTransforms.columns(of: inputNames, in: dataset, spec: spec)
    return weights.map { w in
      let offset = -zip(w, means).reduce(0) { $0 + $1.0 * $1.1 }
      var score = [Double](repeating: offset, count: dataset.rowCount)
      for (k, j) in columns.enumerated() where w[k] != 0 {
        let weight = w[k]
        dataset.features.withUnsafeColumn(j) { x in for i in x.indices { score[i] += weight * Double(x[i]) } }
      }
      return score
    }
  }

  /// `scores` (one array per input component) mixed by `matrix`: out[b][i] = Σ_a scores[a][i] · matrix[a][b].
  static func mix(_ scores: [[Double]], by matrix: [[Double]]) -> [[Double]] {
    let rows = scores.first?.count ?? 0
    return (0..<(matrix.first?.count ?? 0)).map { b in
      var out = [Double](repeating: 0, count: rows)
      for a in scores.indices {
        let m = matrix[a][b]
        for i in 0..<rows { out[i] += scores[a][i] * m }
      }
      return out
    }
  }
}
