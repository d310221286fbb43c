import Boosting
import Features
import Foundation

/// One configuration to train: a value per tuned parameter (the rest come from the benchmark), a target, the
/// feature stage its data goes through (`raw`: the data's own features), the augmentation that adds training
/// rows (`none`) and the fidelity it is evaluated at (1: in full).
public struct TrialConfiguration: Sendable, Hashable, Codable {
  /// Parameter values by LightGBM name.
  public var values: [String: Double]
  /// The target trained on.
  public var target: String
  /// The feature stage's spec (`FeatureTransforms`).
  public var features: String
  /// The training augmentation's spec (`TrainingAugmentation`), or `none`.
  public var augment: String
  /// The share of the full evaluation spent, in (0, 1]: at f < 1 the model trains max(1, round(n_estimators · f))
  /// trees at learning rate min(1, learning_rate / f) (fewer trees at a higher rate). Successive halving and
  /// Hyperband (`SuccessiveHalvingSampler`) evaluate cheaply first; only fidelity 1 trials are models.
  public var fidelity: Double

  /// The `augment` value of a configuration without augmentation.
  public static let noAugmentation = "none"

  public init(
    values: [String: Double], target: String, features: String = FeatureTransforms.identity, augment: String = noAugmentation,
    fidelity: Double = 1
  ) {
    self.values = values
    self.target = target
    self.features = features
    self.augment = augment
    self.fidelity = fidelity
  }

  /// Whether `fidelity` lies in (0, 1].
  public static func isValidFidelity(_ f: Double) -> Bool { f > 0 && f <= 1 }

  /// The same configuration at fidelity `f`.
  public func at(fidelity f: Double) -> TrialConfiguration {
    var c = self
    c.fidelity = f
    return c
  }

  /// Canonical JSON (sorted keys), the form stored in a study and compared for distinctness. The `raw` stage,
  /// `none` augmentation and fidelity 1 are left out, so configurations stored before they existed read and
  /// compare unchanged.
  public var json: String {
    var object: [String: Any] = values
    object["target"] = target
    if features != FeatureTransforms.identity { object["features"] = features }
    if augment != Self.noAugmentation { object["augment"] = augment }
    if fidelity != 1 { object["fidelity"] = fidelity }
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
    let fidelity = try object.removeValue(forKey: "fidelity").map { v in
      guard let n = v as? NSNumber, let f = Double(n.description), Self.isValidFidelity(f) else {
        throw MiningError("stored configuration fidelity \(v) is not a number in (0, 1]: \(json)")
      }
      return f
    } ?? 1
    var values: [String: Double] = [:]
    for (k, v) in object {
      // Foundation reads JSON numbers as decimals whose `doubleValue` can be one ulp off; parsing their exact
      // digits gives back the stored Double, so a re-proposed configuration is recognised as existing.
      guard let n = v as? NSNumber, let value = Double(n.description) else {
        throw MiningError("stored configuration value \(k) is not a number")
      }
      values[k] = value
    }
    self.init(values: values, target: target, features: features, augment: augment, fidelity: fidelity)
  }

  /// The boosting parameters: `base` (the benchmark's) overridden by this configuration's values, then scaled to
  /// its fidelity f: max(1, round(n_estimators · f)) trees at min(1, learning_rate / f).
  public func parameters(over base: BoostingParameters) throws -> BoostingParameters {
    guard Self.isValidFidelity(fidelity) else { throw MiningError("fidelity \(fidelity): expected a number in (0, 1]") }
    var p = base
    for (name, value) in values.sorted(by: { $0.key < $1.key }) {
      let text = value == value.rounded() && abs(value) < 1e15 && name != "learning_rate" && name != "colsample_bytree"
        ? String(Int(value)) : String(value)
      try p.set(name, to: text)
    }
    if fidelity < 1 {
      p.nEstimators = max(1, Int((Double(p.nEstimators) * fidelity).rounded()))
      p.learningRate = min(1, p.learningRate / fidelity)
    }
    try p.validate()
    return p
  }
}

extension TrialConfiguration {
  enum CodingKeys: String, CodingKey { case values, target, features, augment, fidelity }

  /// Reads `fidelity` as 1 when absent (configurations encoded before it existed).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      values: try c.decode([String: Double].self, forKey: .values), target: try c.decode(String.self, forKey: .target),
      features: try c.decode(String.self, forKey: .features), augment: try c.decode(String.self, forKey: .augment),
      fidelity: try c.decodeIfPresent(Double.self, forKey: .fidelity) ?? 1)
  }

  /// Writes `fidelity` only when it is not 1, so full-fidelity configurations encode as before.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(values, forKey: .values)
    try c.encode(target, forKey: .target)
    try c.encode(features, forKey: .features)
    try c.encode(augment, forKey: .augment)
    if fidelity != 1 { try c.encode(fidelity, forKey: .fidelity) }
  }
}
