/// The `umap:K` stage's settings, with umap-learn 0.5's defaults except `minDist` (0, as seed 002's thread).
public struct UMAPSettings: Codable, Equatable, Sendable {
  /// Embedding dimensions (the number of `feature_umap_…` outputs), 1…100.
  public var components: Int
  /// Neighbours per row in the k-NN graph (umap-learn's `n_neighbors`).
  public var neighbors: Int
  /// Smallest distance between embedded points (umap-learn's `min_dist`).
  public var minDist: Double
  /// Scale of the embedded points' spread (umap-learn's `spread`).
  public var spread: Double
  /// SGD epochs; `nil`: 500 for at most 10 000 fitted rows, 200 above, as umap-learn picks.
  public var epochs: Int?
  /// At most this many rows (a seeded sample) are fitted; every other row is placed by `transform`.
  public var fitRows: Int
  /// Seeds the sample, the k-NN search, the initial noise and the negative samples.
  public var seed: UInt64

  /// The largest `components` accepted.
  public static let maxComponents = 100

  public init(
    components: Int = 2, neighbors: Int = 15, minDist: Double = 0, spread: Double = 1, epochs: Int? = nil,
    fitRows: Int = 20_000, seed: UInt64 = 0
  ) {
    self.components = components
    self.neighbors = neighbors
    self.minDist = minDist
    self.spread = spread
    self.epochs = epochs
    self.fitRows = fitRows
    self.seed = seed
  }

  /// The epochs a fit on `rows` rows runs.
  public func fitEpochs(rows: Int) -> Int { epochs ?? (rows <= 10_000 ? 500 : 200) }

  /// The epochs placing new rows runs: a third of the fit's epochs, as umap-learn's `transform`.
  func transformEpochs(fittedRows: Int) -> Int { max(1, fitEpochs(rows: fittedRows) / 3) }

  /// Checks every value against its range.
  /// - Throws: `FeatureTransformError.badSpec` naming the first value out of range.
  func validate() throws {
    func check(_ ok: Bool, _ expected: String) throws {
      if !ok { throw FeatureTransformError.badSpec("umap:\(components)", expected: expected) }
    }
    try check((1...Self.maxComponents).contains(components), "1…\(Self.maxComponents) components")
    try check(neighbors >= 2, "at least 2 neighbours")
    try check(spread > 0 && minDist >= 0 && minDist <= spread, "0 ≤ min-dist ≤ spread and spread > 0")
    try check((epochs ?? 1) >= 1, "at least one epoch")
    try check(fitRows > neighbors, "fit rows above the neighbours (\(neighbors))")
  }
}
