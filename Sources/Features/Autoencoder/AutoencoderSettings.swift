/// The autoencoder stage's shape and training schedule (seed 002's design: row features plus the era number
/// through a frozen random "extreme learning" layer, the raw features with dropout beside it, a small latent).
public struct AutoencoderSettings: Codable, Equatable, Sendable {
  /// Width of the latent (the number of `feature_ae_latent_…` outputs).
  public var latent: Int
  /// Width of the frozen random layer over features and era.
  public var extremeWidth: Int
  /// Width of the one hidden layer of the encoder and of the decoder.
  public var hiddenWidth: Int
  /// Dropout rate on the raw features while training.
  public var dropout: Double
  /// Passes over the training rows.
  public var epochs: Int
  /// Rows per optimisation step.
  public var batchSize: Int
  /// Adam's step size.
  public var learningRate: Double
  /// Seeds initialisation, shuffling and dropout.
  public var seed: UInt64
  /// The era input runs from 0 (first fitted era) to this value (last fitted era, and any era not fitted on).
  public var eraScale: Double
  /// The last this many eras are held out of training and scored after each epoch (0: none).
  public var holdoutEras: Int

  public init(
    latent: Int = 12, extremeWidth: Int = 64, hiddenWidth: Int = 128, dropout: Double = 0.3, epochs: Int = 3,
    batchSize: Int = 256, learningRate: Double = 1e-3, seed: UInt64 = 0, eraScale: Double = 12, holdoutEras: Int = 0
  ) {
    self.latent = latent
    self.extremeWidth = extremeWidth
    self.hiddenWidth = hiddenWidth
    self.dropout = dropout
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.seed = seed
    self.eraScale = eraScale
    self.holdoutEras = holdoutEras
  }

  /// Checks every value against its range.
  /// - Throws: `FeatureTransformError.badSpec` naming the first value out of range.
  func validate() throws {
    func check(_ ok: Bool, _ expected: String) throws {
      if !ok { throw FeatureTransformError.badSpec("ae:\(latent)", expected: expected) }
    }
    try check(latent >= 1, "a latent width of at least 1")
    try check(extremeWidth >= 1 && hiddenWidth >= 1, "layer widths of at least 1")
    try check((0..<1).contains(dropout), "a dropout rate in [0, 1)")
    try check(epochs >= 1 && batchSize >= 1, "at least one epoch and one row per batch")
    try check(learningRate > 0 && eraScale >= 0 && holdoutEras >= 0, "a positive learning rate")
  }
}
