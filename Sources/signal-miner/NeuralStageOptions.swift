import ArgumentParser
import Features
import Foundation

/// The training options of the network stages on `features fit --method autoencoder|contrastive`.
struct NeuralStageOptions: ParsableArguments {
  @Option(help: "autoencoder, contrastive: passes over the training rows.") var epochs = 3
  @Option(help: "autoencoder, contrastive: rows per optimisation step.") var batchSize = 256
  @Option(help: "autoencoder, contrastive: Adam's step size.") var learningRate = 1e-3
  @Option(help: "autoencoder, contrastive: width of the hidden layers.") var hiddenWidth = 128
  @Option(help: "autoencoder, contrastive: seeds initialisation, shuffles, dropout and views; umap: the sample, search, noise and negative samples.") var seed: UInt64 = 0
  @Option(help: "autoencoder: dropout rate on the raw features.") var dropout = 0.3
  @Option(help: "autoencoder: width of the frozen random layer.") var extremeWidth = 64
  @Option(help: "autoencoder: the last N eras are not trained on and are scored after each epoch.") var holdoutEras = 0
  @Option(help: "contrastive: fraction of a view's features set to the middle value.") var cutout = 0.2
  @Option(help: "contrastive: standard deviation of the noise added to a view (features scaled to -1…1).") var noise = 0.3

  func autoencoder(latent: Int) -> AutoencoderSettings {
    AutoencoderSettings(
      latent: latent, extremeWidth: extremeWidth, hiddenWidth: hiddenWidth, dropout: dropout, epochs: epochs,
      batchSize: batchSize, learningRate: learningRate, seed: seed, holdoutEras: holdoutEras)
  }

  func contrastive(embedding: Int) -> ContrastiveSettings {
    ContrastiveSettings(
      embedding: embedding, hiddenWidth: hiddenWidth, cutout: cutout, noise: noise, epochs: epochs, batchSize: batchSize,
      learningRate: learningRate, seed: seed)
  }

  /// `epoch 2/3  train MSE 0.41234  held-out MSE 0.39876  12.3 s`.
  static func describe(_ epoch: AutoencoderEpoch, of total: Int) -> String {
    var line = "epoch \(epoch.epoch)/\(total)  train MSE \(String(format: "%.5f", epoch.trainLoss))"
    if let heldOut = epoch.holdoutLoss { line += "  held-out MSE \(String(format: "%.5f", heldOut))" }
    return line + "  \(String(format: "%.1f", epoch.seconds)) s"
  }
}
