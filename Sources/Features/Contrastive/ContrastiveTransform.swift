import Foundation
import NeuralNetwork
import NumeraiData

/// The `cl:K` stage: a contrastive self-supervised encoder (VICReg). Each training row is seen as two views —
/// a random fraction of its features set to the middle value (cutout) and Gaussian noise added, on the −1…1
/// scale — and an MLP encoder is trained so both views embed alike while every embedding dimension keeps its
/// spread and the dimensions stay decorrelated. Outputs: the K embedding values of the clean row, each binned
/// per era into five equal-count bins (`feature_cl_001…`).
public struct ContrastiveTransform: FeatureTransform {
  public var spec: String { "cl:\(settings.embedding)" }
  public let inputNames: [String]
  /// Shape and schedule it was trained with.
  public let settings: ContrastiveSettings
  /// VICReg loss per epoch (mean over steps), in order.
  public let losses: [Double]
  let encoder: MLP

  public var outputNames: [String] { (1...settings.embedding).map(Self.name) }

  /// The output name of dimension `k` (1-based): `feature_cl_001`.
  public static func name(_ k: Int) -> String { "feature_cl_" + String(format: "%03d", k) }

  /// Trains the encoder on `dataset`'s features (targets are never read); `progress` hears (epoch, loss).
  public static func fit(
    _ settings: ContrastiveSettings, on dataset: Dataset, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> ContrastiveTransform {
    try settings.validate()
    guard dataset.featureCount > 0, dataset.rowCount >= 2 else {
      throw FeatureTransformError.badSpec("cl:\(settings.embedding)", expected: "features and at least two rows")
    }
    var rng = RandomSource(seed: settings.seed)
    var encoder = MLP(
      inputCount: dataset.featureCount, hiddenWidth: settings.hiddenWidth, hiddenLayers: 1, outputCount: settings.embedding,
      using: &rng)
    var adam = Adam(learningRate: Float(settings.learningRate))
    let columns = Array(0..<dataset.featureCount)
    var losses: [Double] = []
    for epoch in 1...settings.epochs {
      var order = Array(0..<dataset.rowCount)
      order.shuffle(using: &rng)
      var total = 0.0, steps = 0
      for first in stride(from: 0, to: order.count - 1, by: settings.batchSize) {
        let rows = order[first..<min(order.count, first + settings.batchSize)]
        guard rows.count >= 2 else { continue }
        let batch = RowBatch(dataset, columns: columns, rowIndices: rows) { _ in 0 }
        total += step(&encoder, adam: &adam, batch: batch, settings: settings, rng: &rng)
        steps += 1
      }
      losses.append(total / Double(max(steps, 1)))
      progress(epoch, losses[losses.count - 1])
    }
    return ContrastiveTransform(inputNames: dataset.featureNames, settings: settings, losses: losses, encoder: encoder)
  }

  /// One VICReg step on two fresh views of `batch`; returns the loss before the step.
  private static func step(
    _ encoder: inout MLP, adam: inout Adam, batch: RowBatch, settings: ContrastiveSettings, rng: inout RandomSource
  ) -> Double {
    let views = [view(batch.features, settings: settings, rng: &rng), view(batch.features, settings: settings, rng: &rng)]
    // Two forward passes share one network: each view's backward runs right after its own forward.
    var first = encoder, second = encoder
    let a = first.forward(views[0], rows: batch.rows, caching: true)
    let b = second.forward(views[1], rows: batch.rows, caching: true)
    let (loss, ga, gb) = VICRegLoss().evaluate(a, b, rows: batch.rows, width: settings.embedding)
    first.zeroGradients()
    second.zeroGradients()
    first.backward(ga, rows: batch.rows)
    second.backward(gb, rows: batch.rows)
    for i in encoder.layers.indices {
      encoder.layers[i].weightGradient = zip(first.layers[i].weightGradient, second.layers[i].weightGradient).map(+)
      encoder.layers[i].biasGradient = zip(first.layers[i].biasGradient, second.layers[i].biasGradient).map(+)
    }
    adam.beginStep()
    adam.update(&encoder)
    return loss
  }

  /// A view of scaled features: each value set to 0 (the middle bin) with probability `cutout`, then noise added.
  static func view(_ x: [Float], settings: ContrastiveSettings, rng: inout RandomSource) -> [Float] {
    x.map { value in
      let kept = rng.nextUnit() < settings.cutout ? 0 : value
      guard settings.noise > 0 else { return kept }
      let u = max(rng.nextUnit(), 1e-300), v = rng.nextUnit()
      return kept + Float(settings.noise * (-2 * log(u)).squareRoot() * cos(2 * .pi * v))
    }
  }

  /// Each row's K embedding values (`rows × K`, row-major) for the clean row.
  /// - Throws: `FeatureTransformError.missingInput` when `dataset` lacks an input feature.
  public func embeddings(_ dataset: Dataset) throws -> [Float] {
    let columns = try inputColumns(in: dataset)
    var network = encoder
    var out: [Float] = []
    out.reserveCapacity(dataset.rowCount * settings.embedding)
    for first in stride(from: 0, to: dataset.rowCount, by: AutoencoderTransform.applyBlock) {
      let rows = first..<min(dataset.rowCount, first + AutoencoderTransform.applyBlock)
      let batch = RowBatch(dataset, columns: columns, rowIndices: rows) { _ in 0 }
      out += network.forward(batch.features, rows: batch.rows, caching: false)
    }
    return out
  }

  public func apply(to dataset: Dataset) throws -> Dataset { try applyKeepingScores(to: dataset).dataset }

  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    let scores = EraBinning.columns(ofRowMajor: try embeddings(dataset), width: settings.embedding, rows: dataset.rowCount)
    return EraBinning.output(dataset, binning: scores, as: outputNames)
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(self))
  }

  /// The saved form: spec, settings, losses and the encoder's parameters.
  struct Saved: Codable {
    var spec: String
    var inputNames: [String]
    var settings: ContrastiveSettings
    var losses: [Double]
    var encoder: Data

    init(_ t: ContrastiveTransform) {
      spec = t.spec
      inputNames = t.inputNames
      settings = t.settings
      losses = t.losses
      encoder = Data(t.encoder.serialized())
    }

    func transform(source: String) throws -> ContrastiveTransform {
      let network = try MLP(serialized: Array(encoder), source: source)
      guard network.inputCount == inputNames.count, network.outputCount == settings.embedding else {
        throw FeatureTransformError.notATransform(source)
      }
      return ContrastiveTransform(inputNames: inputNames, settings: settings, losses: losses, encoder: network)
    }
  }
}
