import ArgumentParser
import Features
import Foundation

/// The autoencoder's training options on `features fit --method autoencoder`.
struct AutoencoderOptions: ParsableArguments {
  @Option(help: "Autoencoder: passes over the training rows.") var epochs = 3
  @Option(help: "Autoencoder: rows per optimisation step.") var batchSize = 256
  @Option(help: "Autoencoder: Adam's step size.") var learningRate = 1e-3
  @Option(help: "Autoencoder: dropout rate on the raw features.") var dropout = 0.3
  @Option(help: "Autoencoder: width of the frozen random layer.") var extremeWidth = 64
  @Option(help: "Autoencoder: width of the encoder's and decoder's hidden layer.") var hiddenWidth = 128
  @Option(help: "Autoencoder: the last N eras are not trained on and are scored after each epoch.") var holdoutEras = 0
  @Option(help: "Autoencoder: seeds initialisation, shuffles and dropout; UMAP: seeds the sample, search, noise and negative samples.") var seed: UInt64 = 0

  func settings(latent: Int) -> AutoencoderSettings {
    AutoencoderSettings(
      latent: latent, extremeWidth: extremeWidth, hiddenWidth: hiddenWidth, dropout: dropout, epochs: epochs,
      batchSize: batchSize, learningRate: learningRate, seed: seed, holdoutEras: holdoutEras)
  }

  /// `epoch 2/3  train MSE 0.41234  held-out MSE 0.39876  12.3 s`.
  static func describe(_ epoch: AutoencoderEpoch, of total: Int) -> String {
    var line = "epoch \(epoch.epoch)/\(total)  train MSE \(String(format: "%.5f", epoch.trainLoss))"
    if let heldOut = epoch.holdoutLoss { line += "  held-out MSE \(String(format: "%.5f", heldOut))" }
    return line + "  \(String(format: "%.1f", epoch.seconds)) s"
  }
}
