import NeuralNetwork

/// The autoencoder's three networks: a frozen random layer over [features, era], an encoder over
/// [features with dropout, frozen layer's output] to the latent, and a decoder from the latent back to the
/// features, trained on their mean squared error.
///
/// Batches are row-major Float32: features scaled from 0…4 to −1…1 (`rows × features`), one era value per row.
struct AutoencoderNetwork: Sendable {
  var extreme: DenseLayer
  var encoder: MLP
  var decoder: MLP

  var featureCount: Int { decoder.outputCount }
  var latentCount: Int { encoder.outputCount }

  /// Freshly initialised networks (PyTorch's `nn.Linear` initialisation) for `features` inputs.
  init(features: Int, settings: AutoencoderSettings, using rng: inout RandomSource) {
    extreme = DenseLayer(inputCount: features + 1, outputCount: settings.extremeWidth, activation: .relu, using: &rng)
    encoder = MLP(
      inputCount: features + settings.extremeWidth, hiddenWidth: settings.hiddenWidth, hiddenLayers: 1,
      outputCount: settings.latent, using: &rng)
    decoder = MLP(
      inputCount: settings.latent, hiddenWidth: settings.hiddenWidth, hiddenLayers: 1, outputCount: features, using: &rng)
  }

  init(extreme: DenseLayer, encoder: MLP, decoder: MLP) {
    self.extreme = extreme
    self.encoder = encoder
    self.decoder = decoder
  }

  /// The latent of each row (`rows × latent`); `dropoutMask` (scale per feature value, or nil) applies to the
  /// raw features beside the frozen layer's output. Caches for `backward` if `caching`.
  mutating func encode(_ batch: RowBatch, dropoutMask: [Float]?, caching: Bool) -> [Float] {
    let hidden = extreme.forward(batch.featuresAndEra(), rows: batch.rows, caching: false)
    var raw = batch.features
    if let mask = dropoutMask { for i in raw.indices { raw[i] *= mask[i] } }
    let input = RowBatch.concatenate(raw, width: featureCount, hidden, width: extreme.outputCount, rows: batch.rows)
    return encoder.forward(input, rows: batch.rows, caching: caching)
  }

  /// The reconstruction of each row from its latent (`rows × features`).
  mutating func decode(_ latent: [Float], rows: Int, caching: Bool) -> [Float] {
    decoder.forward(latent, rows: rows, caching: caching)
  }

  /// One Adam step on the encoder and decoder (the frozen layer never moves) for `batch`; returns the batch's
  /// mean squared reconstruction error before the step.
  mutating func trainStep(
    _ batch: RowBatch, dropoutMask: [Float]?, encoderAdam: inout Adam, decoderAdam: inout Adam
  ) -> Double {
    let latent = encode(batch, dropoutMask: dropoutMask, caching: true)
    let output = decode(latent, rows: batch.rows, caching: true)
    let (loss, gradient) = Self.meanSquaredError(output, batch.features)
    encoder.zeroGradients()
    decoder.zeroGradients()
    let latentGradient = decoder.backward(gradient, rows: batch.rows, needsInputGradient: true)
    encoder.backward(latentGradient, rows: batch.rows)
    encoderAdam.beginStep()
    encoderAdam.update(&encoder)
    decoderAdam.beginStep()
    decoderAdam.update(&decoder)
    return loss
  }

  /// Mean of (output − target)² and its gradient with respect to `output`.
  static func meanSquaredError(_ output: [Float], _ target: [Float]) -> (Double, [Float]) {
    let scale = 2 / Float(output.count)
    var sum = 0.0
    var gradient = [Float](repeating: 0, count: output.count)
    for i in output.indices {
      let d = output[i] - target[i]
      sum += Double(d * d)
      gradient[i] = scale * d
    }
    return (sum / Double(output.count), gradient)
  }
}
