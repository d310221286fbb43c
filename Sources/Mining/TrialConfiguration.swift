import Boosting
import Foundation
import NumeraiData

/// One configuration to train: a value per tuned parameter (the rest come from the benchmark) and a target.
public struct TrialConfiguration: Sendable, Hashable, Codable {
  /// Parameter values by LightGBM name.
  public var values: [String: Double]
  /// The target trained on.
  public var target: String

  public init(values: [String: Double], target: String) {
    self.values = values
    self.target = target
  }

  /// Canonical JSON (sorted keys), the form stored in a study and compared for distinctness.
  public var json: String {
    var object: [String: Any] = values
    object["target"] = target
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads the canonical JSON.
  public init(json: String) throws {
    guard var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
      let target = object.removeValue(forKey: "target") as? String
    else { throw MiningError("stored configuration is not valid: \(json)") }
    var values: [String: Double] = [:]
    for (k, v) in object {
      // Foundation reads JSON numbers as decimals whose `doubleValue` can be one ulp off; parsing their exact
      // digits gives back the stored Double, so a re-proposed configuration is recognised as existing.
      guard let n = v as? NSNumber, let value = Double(n.description) else {
        throw MiningError("stored configuration value \(k) is not a number")
      }
      values[k] = value
    }
    self.init(values: values, target: target)
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

/// A source of configurations to evaluate: ask for a batch, tell it what finished (Optuna's ask/tell split).
///
/// Samplers propose configurations not in `existing`; mining stores every proposal before training it, so a
/// resumed run never re-samples. A sampler that learns (the GFlowNet) reads `observe`.
public protocol ConfigurationSampler {
  /// A name stored with each trial, e.g. `uniform`.
  var name: String { get }
  /// Up to `count` new configurations that respect the space's constraint and are not in `existing`.
  mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration]
  /// Finished trials and their scores (higher is better).
  mutating func observe(_ results: [(TrialConfiguration, Double)])
}

/// Uniform sampling over the space's grids: every allowed configuration equally likely, distinct, reproducible.
public struct UniformSampler: ConfigurationSampler {
  public let space: SearchSpace
  /// Values of parameters the space does not tune (the benchmark's), for the constraint.
  public let fixed: [String: Double]
  private var rng: SplitMix64

  public var name: String { "uniform" }

  public init(space: SearchSpace, fixed: [String: Double], seed: UInt64) {
    self.space = space
    self.fixed = fixed
    rng = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C908)
  }

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    var seen = existing
    var out: [TrialConfiguration] = []
    var attempts = 0
    while out.count < count, attempts < 1000 * max(count, 1) {
      attempts += 1
      var values: [String: Double] = [:]
      for p in space.parameters { values[p.name] = p.values[Int(rng.next() % UInt64(p.values.count))] }
      guard space.isAllowed(values, fixed: fixed) else { continue }
      let target = space.targets.isEmpty ? "target" : space.targets[Int(rng.next() % UInt64(space.targets.count))]
      let configuration = TrialConfiguration(values: values, target: target)
      if seen.insert(configuration).inserted { out.append(configuration) }
    }
    return out
  }

  public mutating func observe(_ results: [(TrialConfiguration, Double)]) {}
}
