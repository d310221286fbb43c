import Foundation
import NeuralNetwork
import NumeraiData

/// The `umap:K` stage: UMAP as umap-learn 0.5 runs it (seed 002's thread: `min_dist` 0, up to 100
/// components) on the int8 feature rows, Euclidean. Outputs `feature_umap_001…`, each embedded coordinate
/// binned per era into five equal-count bins.
///
/// At most `fitRows` rows (a seeded sample) are fitted: k-NN graph, fuzzy simplicial set, spectral
/// initialisation, SGD layout. Every other row — and live data — is placed as umap-learn's `transform` does,
/// against the fitted rows' embedding, which never moves (see `UMAPTransform+Placement.swift`); a row equal to
/// a fitted row gets that row's embedding. Applying never refits and is deterministic.
public struct UMAPTransform: FeatureTransform {
  public var spec: String { "umap:\(settings.components)" }
  public let inputNames: [String]
  public let settings: UMAPSettings
  /// The embedded-space curve's a and b (from `minDist` and `spread`).
  let curve: CurveParameters
  /// The fitted rows' features (over `inputNames`).
  let sample: Int8Rows
  /// The fitted rows' embedding, `sample.count × components` row-major.
  public let embedding: [Float]
  /// How the layout was initialised: `spectral`, or `random` when the spectral iteration failed.
  public let initialisation: String
  /// The fitted row of each distinct fitted feature row (its first occurrence).
  let fittedRow: [ArraySlice<Int8>: Int]

  public var outputNames: [String] { (1...settings.components).map(Self.name) }

  /// The output feature name of coordinate `k` (1-based): `feature_umap_001`.
  public static func name(_ k: Int) -> String { "feature_umap_" + String(format: "%03d", k) }

  init(
    inputNames: [String], settings: UMAPSettings, curve: CurveParameters, sample: Int8Rows, embedding: [Float],
    initialisation: String
  ) {
    self.inputNames = inputNames
    self.settings = settings
    self.curve = curve
    self.sample = sample
    self.embedding = embedding
    self.initialisation = initialisation
    var fittedRow: [ArraySlice<Int8>: Int] = [:]
    for i in (0..<sample.count).reversed() { fittedRow[sample.row(i)] = i }
    self.fittedRow = fittedRow
  }

  /// Fits UMAP on (a seeded sample of at most `fitRows` of) `dataset`'s feature rows; targets are never read.
  /// - Throws: `FeatureTransformError.badSpec` for settings out of range, no features, or no more rows than
  ///   neighbours.
  public static func fit(_ settings: UMAPSettings, on dataset: Dataset) throws -> UMAPTransform {
    try fit(settings, on: dataset, exactBelow: nil)
  }

  /// `fit`, with the k-NN graph exact below `exactBelow` fitted rows (nil: `NearestNeighbors`' own choice) and
  /// by NN-descent above.
  static func fit(_ settings: UMAPSettings, on dataset: Dataset, exactBelow: Int?) throws -> UMAPTransform {
    try settings.validate()
    let spec = "umap:\(settings.components)"
    guard dataset.featureCount > 0 else {
      throw FeatureTransformError.badSpec(spec, expected: "data with feature columns")
    }
    guard dataset.rowCount > settings.neighbors else {
      throw FeatureTransformError.badSpec(
        spec, expected: "more rows than neighbours (\(settings.neighbors)); the data has \(dataset.rowCount) rows")
    }
    let sample = Int8Rows(
      dataset, columns: Array(0..<dataset.featureCount), rows: sampleRows(dataset.rowCount, settings))
    let graph = NearestNeighbors.graph(of: sample, k: settings.neighbors, seed: settings.seed, exactBelow: exactBelow)
    let edges = FuzzySimplicialSet.edges(of: graph)
    let epochs = settings.fitEpochs(rows: sample.count)
    var rng = RandomSource(seed: settings.seed)
    let spectral = SpectralLayout.layout(edges, count: sample.count, dim: settings.components, seed: settings.seed)
    var embedding = initialEmbedding(spectral, count: sample.count, dim: settings.components, rng: &rng)
    let curve = CurveParameters(minDist: settings.minDist, spread: settings.spread)
    UMAPLayout(curve: curve).optimise(
      &embedding, tail: nil, tailCount: sample.count, dim: settings.components,
      schedule: .init(edges, epochs: epochs), epochs: epochs, rng: &rng)
    return UMAPTransform(
      inputNames: dataset.featureNames, settings: settings, curve: curve, sample: sample, embedding: embedding,
      initialisation: spectral == nil ? "random (the spectral iteration gave no finite vectors)" : "spectral")
  }

  /// All rows when they fit in `fitRows`, else a seeded sample of `fitRows` of them, in row order.
  static func sampleRows(_ count: Int, _ settings: UMAPSettings) -> [Int] {
    guard count > settings.fitRows else { return Array(0..<count) }
    var rng = RandomSource(seed: settings.seed ^ 0x5341_4D50)
    var all = Array(0..<count)
    for i in 0..<settings.fitRows { all.swapAt(i, i + Int(rng.next() % UInt64(count - i))) }
    return all.prefix(settings.fitRows).sorted()
  }

  /// umap-learn's start: the spectral layout scaled to at most 10 in magnitude plus N(0, 1e−4) noise (or
  /// uniform −10…10 without it), then each coordinate rescaled to 0…10.
  static func initialEmbedding(_ spectral: [Double]?, count: Int, dim: Int, rng: inout RandomSource) -> [Float] {
    var x: [Double]
    if let spectral {
      let expansion = 10 / (spectral.map(abs).max() ?? 1)
      x = spectral.map { $0 * expansion + 1e-4 * normal(&rng) }
    } else {
      x = (0..<(count * dim)).map { _ in 20 * rng.nextUnit() - 10 }
    }
    for d in 0..<dim {
      let column = stride(from: d, to: x.count, by: dim).map { x[$0] }
      let (lo, hi) = (column.min() ?? 0, column.max() ?? 0)
      for i in 0..<count { x[i * dim + d] = hi > lo ? 10 * (x[i * dim + d] - lo) / (hi - lo) : 0 }
    }
    return x.map(Float.init)
  }

  static func normal(_ rng: inout RandomSource) -> Double {
    let u = max(rng.nextUnit(), 1e-300)
    let v = rng.nextUnit()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }

  public func apply(to dataset: Dataset) throws -> Dataset { try applyKeepingScores(to: dataset).dataset }

  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    let scores = EraBinning.columns(ofRowMajor: try embed(dataset), width: settings.components, rows: dataset.rowCount)
    return EraBinning.output(dataset, binning: scores, as: outputNames)
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(self))
  }

  /// The saved form: settings, curve, the fitted rows' int8 values and embedding (as raw bytes).
  struct Saved: Codable {
    var spec: String
    var inputNames: [String]
    var settings: UMAPSettings
    var curve: CurveParameters
    var initialisation: String
    var sample: Data
    var embedding: Data

    init(_ t: UMAPTransform) {
      spec = t.spec
      inputNames = t.inputNames
      settings = t.settings
      curve = t.curve
      initialisation = t.initialisation
      sample = t.sample.values.withUnsafeBytes { Data($0) }
      embedding = Data(t.embedding.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    func transform(source: String) throws -> UMAPTransform {
      let width = inputNames.count
      let k = settings.components
      let rows = width > 0 ? sample.count / width : 0
      guard width > 0, sample.count % width == 0, embedding.count == rows * k * 4 else {
        throw FeatureTransformError.notATransform(source)
      }
      return UMAPTransform(
        inputNames: inputNames, settings: settings, curve: curve,
        sample: Int8Rows(width: width, values: sample.map { Int8(bitPattern: $0) }),
        embedding: Self.words(embedding).map(Float.init(bitPattern:)), initialisation: initialisation)
    }

    /// Little-endian 32-bit words.
    private static func words(_ data: Data) -> [UInt32] {
      let bytes = Array(data)
      return (0..<(bytes.count / 4)).map { i in (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i * 4 + $1]) << (8 * $1) }
      }
    }
  }
}
