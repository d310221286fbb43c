import ArgumentParser
import Features

/// UMAP's options on `features fit --method umap`.
struct UMAPOptions: ParsableArguments {
  @Option(help: "UMAP: neighbours per row in the k-NN graph.") var neighbors = 15
  @Option(help: "UMAP: smallest distance between embedded points.") var minDist = 0.0
  @Option(help: "UMAP: SGD epochs (default: 500 up to 10 000 fitted rows, else 200).") var umapEpochs: Int?
  @Option(help: "UMAP: fit on a seeded sample of at most this many rows; the rest are placed.") var fitRows = 20_000

  func settings(components: Int, seed: UInt64) -> UMAPSettings {
    UMAPSettings(
      components: components, neighbors: neighbors, minDist: minDist, epochs: umapEpochs, fitRows: fitRows, seed: seed)
  }
}
