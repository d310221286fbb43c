import Foundation
import NeuralNetwork
import NumeraiData

/// The training loop of `AutoencoderTransform.fit`: seeded shuffles, dropout masks and Adam steps over
/// mini-batches of the training rows.
struct AutoencoderTraining {
  private(set) var network: AutoencoderNetwork
  private let dataset: Dataset
  private let settings: AutoencoderSettings
  private let eraOfRow: (Int) -> Float
  private let columns: [Int]
  private var rng: RandomSource
  private var encoderAdam: Adam
  private var decoderAdam: Adam

  init(dataset: Dataset, settings: AutoencoderSettings, eraValues: [String: Double]) {
    self.dataset = dataset
    self.settings = settings
    columns = Array(0..<dataset.featureCount)
    eraOfRow = AutoencoderTransform.eraInputs(dataset, eraValues: eraValues, scale: settings.eraScale)
    rng = RandomSource(seed: settings.seed)
    network = AutoencoderNetwork(features: dataset.featureCount, settings: settings, using: &rng)
    encoderAdam = Adam(learningRate: Float(settings.learningRate))
    decoderAdam = Adam(learningRate: Float(settings.learningRate))
  }

  /// One pass over `trainRows` in a fresh random order, then the error on `holdoutRows` (if any).
  mutating func runEpoch(_ epoch: Int, trainRows: [Int], holdoutRows: [Int]) -> AutoencoderEpoch {
    let start = Date()
    var order = trainRows
    order.shuffle(using: &rng)
    var weightedLoss = 0.0
    for first in stride(from: 0, to: order.count, by: settings.batchSize) {
      let rows = order[first..<min(order.count, first + settings.batchSize)]
      let batch = RowBatch(dataset, columns: columns, rowIndices: rows, eraValueOfRow: eraOfRow)
      let loss = network.trainStep(
        batch, dropoutMask: dropoutMask(count: batch.features.count), encoderAdam: &encoderAdam,
        decoderAdam: &decoderAdam)
      weightedLoss += loss * Double(rows.count)
    }
    let holdout = holdoutRows.isEmpty ? nil : Self.meanError(of: &network, rows: holdoutRows) { rows in
      RowBatch(dataset, columns: columns, rowIndices: rows, eraValueOfRow: eraOfRow)
    }
    return AutoencoderEpoch(
      epoch: epoch, trainLoss: weightedLoss / Double(max(order.count, 1)), holdoutLoss: holdout,
      seconds: Date().timeIntervalSince(start))
  }

  /// Inverted dropout: each value kept with probability 1 − p and scaled by 1 / (1 − p); nil when p = 0.
  private mutating func dropoutMask(count: Int) -> [Float]? {
    guard settings.dropout > 0 else { return nil }
    let keep = Float(1 / (1 - settings.dropout))
    return (0..<count).map { _ in rng.nextUnit() < settings.dropout ? 0 : keep }
  }

  /// Mean squared reconstruction error over `rows`, in blocks, without dropout.
  static func meanError(of network: inout AutoencoderNetwork, rows: [Int], batch: (ArraySlice<Int>) -> RowBatch) -> Double {
    var sum = 0.0
    for first in stride(from: 0, to: rows.count, by: AutoencoderTransform.applyBlock) {
      let block = batch(rows[first..<min(rows.count, first + AutoencoderTransform.applyBlock)])
      let output = network.decode(network.encode(block, dropoutMask: nil, caching: false), rows: block.rows, caching: false)
      sum += AutoencoderNetwork.meanSquaredError(output, block.features).0 * Double(output.count)
    }
    return sum / Double(max(rows.count * network.featureCount, 1))
  }
}
