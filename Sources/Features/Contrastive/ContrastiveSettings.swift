/// The contrastive stage's encoder and training schedule: two views of each row (cutout and Gaussian noise on
/// the −1…1 scale), an MLP encoder trained with VICReg so that both views embed alike without collapsing.
public struct ContrastiveSettings: Codable, Equatable, Sendable {
  /// Width of the embedding (the number of `feature_cl_…` outputs).
  public var embedding: Int
  /// Width of the encoder's hidden layer.
  public var hiddenWidth: Int
  /// Fraction of each row's features set to the middle value in a view.
  public var cutout: Double
  /// Standard deviation of the noise added to a view's scaled features.
  public var noise: Double
  /// Passes over the rows.
  public var epochs: Int
  /// Rows per optimisation step.
  public var batchSize: Int
  /// Adam's step size.
  public var learningRate: Double
  /// Seeds initialisation, shuffles and views.
  public var seed: UInt64

  public init(
    embedding: Int = 16, hiddenWidth: Int = 128, cutout: Double = 0.2, noise: Double = 0.3, epochs: Int = 3,
    batchSize: Int = 256, learningRate: Double = 1e-3, seed: UInt64 = 0
  ) {
    self.embedding = embedding
    self.hiddenWidth = hiddenWidth
    self.cutout = cutout
    self.noise = noise
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.seed = seed
  }

  /// - Throws: `FeatureTransformError.badSpec` naming the first value out of range.
  func validate() throws {
    func check(_ ok: Bool, _ expected: String) throws {
      if !ok { throw FeatureTransformError.badSpec("cl:\(embedding)", expected: expected) }
    }
    try check(embedding >= 1 && hiddenWidth >= 1, "an embedding and hidden width of at least 1")
    try check((0..<1).contains(cutout) && noise >= 0, "a cutout fraction in [0, 1) and noise of at least 0")
    try check(epochs >= 1 && batchSize >= 2, "at least one epoch and two rows per batch")
    try check(learningRate > 0, "a positive learning rate")
  }
}
