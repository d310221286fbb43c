import Foundation
import NeuralNetwork
import NumeraiData

/// The `ae:K` stage: seed 002's autoencoder. Each row's features (0…4 scaled to −1…1) and its era value go
/// through a frozen random layer; the features with dropout and that layer's output are encoded to K latent
/// values and decoded back to the features (mean squared error, Adam). Outputs: the K latents, each binned per
/// era into five equal-count bins (`feature_ae_latent_01…`), and which latent is largest (`feature_ae_argmax`,
/// latent k of K as k·5/K so it stays within 0…4).
///
/// Eras the stage was fitted on get values 0…`eraScale` in data order; any other era (validation, live) gets
/// `eraScale`, the latest value seen in training, as in the thread.
public struct AutoencoderTransform: FeatureTransform {
  public var spec: String { "ae:\(settings.latent)" }
  public let inputNames: [String]
  /// Shape and schedule it was trained with.
  public let settings: AutoencoderSettings
  /// The era input of each era trained on.
  public let eraValues: [String: Double]
  /// Loss per epoch, in order.
  public let history: [AutoencoderEpoch]
  let network: AutoencoderNetwork

  public var outputNames: [String] { (1...settings.latent).map(Self.latentName) + [Self.argmaxName] }

  /// The output name of latent `k` (1-based): `feature_ae_latent_01`.
  public static func latentName(_ k: Int) -> String { "feature_ae_latent_" + String(format: "%02d", k) }
  /// The output name of the largest latent's index.
  public static let argmaxName = "feature_ae_argmax"

  /// Trains the autoencoder on `dataset`'s features (targets are never read); `progress` hears each epoch.
  /// - Throws: `FeatureTransformError.badSpec` for settings out of range or too few eras for the holdout.
  public static func fit(
    _ settings: AutoencoderSettings, on dataset: Dataset, progress: (AutoencoderEpoch) -> Void = { _ in }
  ) throws -> AutoencoderTransform {
    try settings.validate()
    let trainedEras = dataset.eras.count - settings.holdoutEras
    guard dataset.featureCount > 0, trainedEras >= 1 else {
      throw FeatureTransformError.badSpec(
        "ae:\(settings.latent)", expected: "features and at least one era left after \(settings.holdoutEras) held out")
    }
    let eraValues = Self.eraValues(Array(dataset.eras.prefix(trainedEras)), scale: settings.eraScale)
    var trainer = AutoencoderTraining(dataset: dataset, settings: settings, eraValues: eraValues)
    var history: [AutoencoderEpoch] = []
    for epoch in 1...settings.epochs {
      let record = trainer.runEpoch(epoch, trainRows: dataset.rows(ofEras: 0..<trainedEras),
        holdoutRows: dataset.rows(ofEras: trainedEras..<dataset.eras.count))
      history.append(record)
      progress(record)
    }
    return AutoencoderTransform(
      inputNames: dataset.featureNames, settings: settings, eraValues: eraValues, history: history,
      network: trainer.network)
  }

  /// Each row's K latent values (`rows × K`, row-major), without dropout.
  /// - Throws: `FeatureTransformError.missingInput` when `dataset` lacks an input feature.
  public func latents(_ dataset: Dataset) throws -> [Float] {
    let columns = try inputColumns(in: dataset)
    var network = self.network
    var out: [Float] = []
    out.reserveCapacity(dataset.rowCount * settings.latent)
    for block in stride(from: 0, to: dataset.rowCount, by: Self.applyBlock) {
      let rows = block..<min(dataset.rowCount, block + Self.applyBlock)
      out += network.encode(batch(dataset, columns: columns, rows: rows), dropoutMask: nil, caching: false)
    }
    return out
  }

  /// Mean squared reconstruction error (features on the −1…1 scale) over `dataset`'s rows, without dropout.
  public func reconstructionError(_ dataset: Dataset) throws -> Double {
    let columns = try inputColumns(in: dataset)
    var network = self.network
    return AutoencoderTraining.meanError(of: &network, rows: Array(0..<dataset.rowCount)) { rows in
      batch(dataset, columns: columns, rows: rows)
    }
  }

  public func apply(to dataset: Dataset) throws -> Dataset { try applyKeepingScores(to: dataset).dataset }

  /// The latents' scores are kept; the argmax is not a binned output.
  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    let k = settings.latent
    let latent = try latents(dataset)
    let scores = EraBinning.columns(ofRowMajor: latent, width: k, rows: dataset.rowCount)
    let argmax = (0..<dataset.rowCount).map { row -> Int8 in
      let values = latent[(row * k)..<(row * k + k)]
      let best = values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }! - row * k
      return Int8(best * EraBinning.bins / k)
    }
    let binned = scores.map { EraBinning.bin($0, eraRanges: dataset.eraRanges) }
    return StageOutput(
      dataset: EraBinning.dataset(dataset, columns: binned + [argmax], as: outputNames),
      scores: Array(zip(outputNames, scores)))
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(self))
  }

  static let applyBlock = 4096

  private func batch(_ dataset: Dataset, columns: [Int], rows: some Collection<Int>) -> RowBatch {
    let eraOfRow = Self.eraInputs(dataset, eraValues: eraValues, scale: settings.eraScale)
    return RowBatch(dataset, columns: columns, rowIndices: rows) { eraOfRow($0) }
  }

  /// Era values 0…scale spread linearly over `eras` in order.
  static func eraValues(_ eras: [String], scale: Double) -> [String: Double] {
    let last = max(eras.count - 1, 1)
    return Dictionary(uniqueKeysWithValues: eras.enumerated().map { ($1, scale * Double($0) / Double(last)) })
  }

  /// The era input of each row of `dataset`: its era's fitted value, or `scale` for an era not fitted on.
  static func eraInputs(_ dataset: Dataset, eraValues: [String: Double], scale: Double) -> (Int) -> Float {
    let perEra = dataset.eras.map { Float(eraValues[$0] ?? scale) }
    var eraOfRow = [Int](repeating: 0, count: dataset.rowCount)
    for (e, range) in dataset.eraRanges.enumerated() { for row in range { eraOfRow[row] = e } }
    return { perEra[eraOfRow[$0]] }
  }

  /// The saved form: spec, settings, era values, history and the three networks' parameters.
  struct Saved: Codable {
    var spec: String
    var inputNames: [String]
    var settings: AutoencoderSettings
    var eraValues: [String: Double]
    var history: [AutoencoderEpoch]
    var extreme: Data
    var encoder: Data
    var decoder: Data

    init(_ t: AutoencoderTransform) {
      spec = t.spec
      inputNames = t.inputNames
      settings = t.settings
      eraValues = t.eraValues
      history = t.history
      extreme = Data(MLP(layers: [t.network.extreme]).serialized())
      encoder = Data(t.network.encoder.serialized())
      decoder = Data(t.network.decoder.serialized())
    }

    func transform(source: String) throws -> AutoencoderTransform {
      let network = AutoencoderNetwork(
        extreme: try MLP(serialized: Array(extreme), source: source).layers[0],
        encoder: try MLP(serialized: Array(encoder), source: source),
        decoder: try MLP(serialized: Array(decoder), source: source))
      guard network.extreme.inputCount == inputNames.count + 1, network.decoder.outputCount == inputNames.count,
        network.latentCount == settings.latent
      else { throw FeatureTransformError.notATransform(source) }
      return AutoencoderTransform(
        inputNames: inputNames, settings: settings, eraValues: eraValues, history: history, network: network)
    }
  }
}

/// One epoch of autoencoder training: mean squared error on the training rows (with dropout, averaged over
/// the epoch's steps) and on the held-out eras (without dropout, after the epoch), and its wall time.
public struct AutoencoderEpoch: Codable, Equatable, Sendable {
  public var epoch: Int
  public var trainLoss: Double
  public var holdoutLoss: Double?
  public var seconds: Double
}
