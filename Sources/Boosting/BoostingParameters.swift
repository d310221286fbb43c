/// Hyperparameters of a boosted-tree model, under LightGBM's names and with LightGBM's defaults.
public struct BoostingParameters: Sendable, Codable, Hashable {
  /// The loss (LightGBM's `objective`); L2 regression by default, and in JSON or models saved without one.
  public var objective = Objective.regression
  public var nEstimators = 100
  public var learningRate = 0.1
  public var numLeaves = 31
  /// −1: no limit.
  public var maxDepth = -1
  public var minChildSamples = 20
  public var minSumHessianInLeaf = 1e-3
  public var regLambda = 0.0
  public var colsampleBytree = 1.0
  public var maxBin = 255
  public var seed: UInt64 = 0

  /// LightGBM's defaults.
  public init() {}

  /// Parameters from `name=value` pairs, LightGBM's names (and common aliases).
  public init(lightGBMNames pairs: [String: String]) throws {
    self.init()
    for (name, value) in pairs.sorted(by: { $0.key < $1.key }) { try set(name, to: value) }
    try validate()
  }

  /// The names `set(_:to:)` accepts, and their aliases.
  public static let names: [String: String] = [
    "objective": "objective", "n_estimators": "n_estimators", "num_iterations": "n_estimators", "num_boost_round": "n_estimators",
    "learning_rate": "learning_rate", "eta": "learning_rate", "num_leaves": "num_leaves", "max_depth": "max_depth",
    "min_child_samples": "min_child_samples", "min_data_in_leaf": "min_child_samples",
    "min_sum_hessian_in_leaf": "min_sum_hessian_in_leaf", "min_child_weight": "min_sum_hessian_in_leaf",
    "reg_lambda": "reg_lambda", "lambda_l2": "reg_lambda", "colsample_bytree": "colsample_bytree",
    "feature_fraction": "colsample_bytree", "max_bin": "max_bin", "seed": "seed", "random_state": "seed",
  ]

  /// Sets one parameter from text; unknown names and unparsable values are errors.
  public mutating func set(_ name: String, to value: String) throws {
    guard let canonical = Self.names[name] else {
      throw BoostingError(
        "unknown parameter '\(name)', expected one of: \(Set(Self.names.values).sorted().joined(separator: ", "))")
    }
    func int() throws -> Int {
      if let v = Int(value) { return v }
      if let d = Double(value), d == d.rounded(), abs(d) < 1e15 { return Int(d) }
      throw BoostingError("parameter \(canonical)=\(value): expected an integer")
    }
    func double() throws -> Double {
      guard let v = Double(value), v.isFinite else { throw BoostingError("parameter \(canonical)=\(value): expected a number") }
      return v
    }
    switch canonical {
    case "objective": objective = try Objective(lightGBMName: value)
    case "n_estimators": nEstimators = try int()
    case "learning_rate": learningRate = try double()
    case "num_leaves": numLeaves = try int()
    case "max_depth": maxDepth = try int()
    case "min_child_samples": minChildSamples = try int()
    case "min_sum_hessian_in_leaf": minSumHessianInLeaf = try double()
    case "reg_lambda": regLambda = try double()
    case "colsample_bytree": colsampleBytree = try double()
    case "max_bin": maxBin = try int()
    default:
      guard let s = UInt64(value) else { throw BoostingError("parameter seed=\(value): expected a non-negative integer") }
      seed = s
    }
  }

  /// Throws for values no model can be trained with.
  public func validate() throws {
    func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
      if !ok { throw BoostingError("parameter \(name)=\(value): expected \(expected)") }
    }
    try check(nEstimators >= 1, "n_estimators", nEstimators, "at least 1")
    try check(learningRate > 0, "learning_rate", learningRate, "a number > 0")
    try check(numLeaves >= 2 && numLeaves <= 131_072, "num_leaves", numLeaves, "2…131072")
    try check(maxDepth == -1 || maxDepth >= 1, "max_depth", maxDepth, "-1 (no limit) or at least 1")
    try check(minChildSamples >= 0, "min_child_samples", minChildSamples, "0 or more")
    try check(minSumHessianInLeaf >= 0, "min_sum_hessian_in_leaf", minSumHessianInLeaf, "0 or more")
    try check(regLambda >= 0, "reg_lambda", regLambda, "0 or more")
    try check(colsampleBytree > 0 && colsampleBytree <= 1, "colsample_bytree", colsampleBytree, "a fraction in (0, 1]")
    try check(maxBin >= 2 && maxBin <= 255, "max_bin", maxBin, "2…255")
  }

  /// The parameters as LightGBM's `name=value` pairs.
  public var lightGBMPairs: [(String, String)] {
    [
      ("objective", objective.lightGBMName), ("n_estimators", "\(nEstimators)"), ("learning_rate", "\(learningRate)"), ("num_leaves", "\(numLeaves)"),
      ("max_depth", "\(maxDepth)"), ("min_child_samples", "\(minChildSamples)"),
      ("min_sum_hessian_in_leaf", "\(minSumHessianInLeaf)"), ("reg_lambda", "\(regLambda)"),
      ("colsample_bytree", "\(colsampleBytree)"), ("max_bin", "\(maxBin)"), ("seed", "\(seed)"),
    ]
  }
}

extension BoostingParameters {
  /// Decodes parameters stored as JSON or in a saved model; those written before `objective` existed are L2.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    objective = try c.decodeIfPresent(Objective.self, forKey: .objective) ?? .regression
    nEstimators = try c.decode(Int.self, forKey: .nEstimators)
    learningRate = try c.decode(Double.self, forKey: .learningRate)
    numLeaves = try c.decode(Int.self, forKey: .numLeaves)
    maxDepth = try c.decode(Int.self, forKey: .maxDepth)
    minChildSamples = try c.decode(Int.self, forKey: .minChildSamples)
    minSumHessianInLeaf = try c.decode(Double.self, forKey: .minSumHessianInLeaf)
    regLambda = try c.decode(Double.self, forKey: .regLambda)
    colsampleBytree = try c.decode(Double.self, forKey: .colsampleBytree)
    maxBin = try c.decode(Int.self, forKey: .maxBin)
    seed = try c.decode(UInt64.self, forKey: .seed)
  }
}

/// A boosting input or parameter that cannot be used, said in one line.
public struct BoostingError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ message: String) { description = message }
}
