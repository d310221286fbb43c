import Foundation
import NumeraiData

/// The `raw` stage: the data's own features, checked by name against those it was fitted on.
public struct IdentityTransform: FeatureTransform, Codable, Equatable {
  public var spec: String { FeatureTransforms.identity }
  public let inputNames: [String]
  public var outputNames: [String] { inputNames }

  public init(inputNames: [String]) { self.inputNames = inputNames }

  public func apply(to dataset: Dataset) throws -> Dataset {
    if dataset.featureNames == inputNames { return dataset }
    let missing = inputNames.first { dataset.featureIndex(named: $0) == nil }
    throw FeatureTransformError.missingInput(spec: spec, feature: missing ?? "features in this order")
  }

  public func encoded() throws -> Data {
    try FeatureTransforms.savedJSON(Saved(spec: spec, inputNames: inputNames))
  }

  private struct Saved: Encodable {
    var spec: String
    var inputNames: [String]
  }

  enum CodingKeys: String, CodingKey { case inputNames }
}
