import Boosting
import Features
import Foundation

/// One configuration to train: a value per tuned parameter (the rest come from the benchmark), a target, the
/// feature stage its data goes through (`raw`: the data's own features) and the augmentation that adds training
/// rows (`none`).
public struct TrialConfiguration: Sendable, Hashable, Codable {
  /// Parameter values by LightGBM name.
  public var values: [String: Double]
  /// The target trained on.
  public var target: String
  /// The feature stage's spec (`FeatureTransforms`).
  public var features: String
  /// The training augmentation's spec (`TrainingAugmentation`), or `none`.
  public var augment: String

  /// The `augment` value of a configuration without augmentation.
  public static let noAugmentation = "none"

  public init(
    values: [String: Double], target: String, features: String = FeatureTransforms.identity, augment: String = noAugmentation
  ) {
    self.values = values
    self.target = target
    self.features = features
    self.augment = augment
  }

  /// Canonical JSON (sorted keys), the form stored in a study and compared for distinctness. The `raw` stage and
  /// `none` augmentation are left out, so configurations stored before they existed read and compare unchanged.
  public var json: String {
    var object: [String: Any] = values
    object["target"] = target
    if features != FeatureTransforms.identity { object["features"] = features }
    if augment != Self.noAugmentation { object["augment"] = augment }
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads the canonical JSON.
  public init(json: String) throws {
    guard var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
      let target = object.removeValue(forKey: "target") as? String
    else { throw MiningError("stored configuration is not valid: \(json)") }
    let features = object.removeValue(forKey: "features") as? String ?? FeatureTransforms.identity
    let augment = object.removeValue(forKey: "augment") as? String ?? Self.noAugmentation
    var values: [String: Double] = [:]
    for (k, v) in object {
      // Foundation reads JSON numbers as decimals whose `doubleValue` can be one ulp off; parsing their exact
      // digits gives back the stored Double, so a re-proposed configuration is recognised as existing.
      guard let n = v as? NSNumber, let value = Double(n.description) else {
        throw MiningError("stored configuration value \(k) is not a number")
      }
      values[k] = value
    }
    self.init(values: values, target: target, features: features, augment: augment)
  }

  /// The boosting parameters: `base` (the benchmark's) overridden by this configuration's values.
  public func parameters(over base: BoostingParameters) throws -> BoostingParameters {
    var p = base
    for (name, value) in values.sorted(by: { $0.key < $1.key }) {
      let text = value == value.rounded() && abs(value) < 1e15 && name != "learning_rate" && name != "colsample_bytree"
        ? String(Int(value)) : String(value)
      try p.set(name, to: text)
    }
    try p.validate()
    return p
  }
}
