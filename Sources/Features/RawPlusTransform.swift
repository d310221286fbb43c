import Foundation
import NumeraiData

/// The `raw+SPEC` stage: the data's own features followed by another stage's outputs (e.g. `raw+pca:32`).
public struct RawPlusTransform: FeatureTransform {
  /// The spec prefix.
  public static let prefix = "raw+"
  public let inputNames: [String]
  /// The stage whose outputs follow the raw features.
  public let stage: any FeatureTransform

  public var spec: String { Self.prefix + stage.spec }
  public var outputNames: [String] { inputNames + stage.outputNames }

  public init(inputNames: [String], stage: any FeatureTransform) {
    self.inputNames = inputNames
    self.stage = stage
  }

  public func apply(to dataset: Dataset) throws -> Dataset { try applyKeepingScores(to: dataset).dataset }

  public func applyKeepingScores(to dataset: Dataset) throws -> StageOutput {
    let raw = try IdentityTransform(inputNames: inputNames).apply(to: dataset)
    let appended = try stage.applyKeepingScores(to: dataset)
    return StageOutput(dataset: try raw.appendingFeatures(of: appended.dataset), scores: appended.scores)
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(spec: spec, inputNames: inputNames, stage: try stage.encoded()))
  }

  static func load(_ data: Data, source: String) throws -> RawPlusTransform {
    guard let saved = try? JSONDecoder().decode(Saved.self, from: data) else { throw FeatureTransformError.notATransform(source) }
    return RawPlusTransform(inputNames: saved.inputNames, stage: try FeatureTransforms.load(saved.stage, source: source))
  }

  /// The saved form: the spec, the raw inputs and the inner stage's own saved form.
  struct Saved: Codable {
    var spec: String
    var inputNames: [String]
    var stage: Data
  }
}
