import Foundation

/// The hyperparameters mining samples from: each parameter's grid of values, and the target.
///
/// Read from JSON (`--space F`): `{"name": [v, …]}`, `{"name": {"linspace": [lo, hi, n]}}` or
/// `{"name": {"logspace": [lo, hi, n], "int": true}}` (logspace takes the end points themselves, not powers of
/// ten); `"target": ["target", …]` picks targets; `"features": ["raw", "raw+pca:32"]` and `"augment": ["none",
/// "cutout:0.1:1"]` are the pipeline dimensions (`Pipelines`). A parameter absent from the file is fixed at the
/// benchmark's value. Every configuration must satisfy num_leaves ≤ 2^max_depth.
public struct SearchSpace: Sendable, Equatable {
  /// One hyperparameter and its grid.
  public struct Parameter: Sendable, Equatable, Codable {
    /// LightGBM's name, e.g. `num_leaves`.
    public let name: String
    /// The grid, ascending and without repeats.
    public let values: [Double]
    /// Whether values are integers.
    public let isInteger: Bool

    public init(name: String, values: [Double], isInteger: Bool) {
      self.name = name
      self.values = Array(Set(isInteger ? values.map { $0.rounded() } : values)).sorted()
      self.isInteger = isInteger
    }
  }

  /// Parameters in sampling order.
  public let parameters: [Parameter]
  /// Targets to choose from (one configuration trains on one target).
  public let targets: [String]
  /// Feature stages and augmentations to choose from.
  public let pipelines: Pipelines

  public init(parameters: [Parameter], targets: [String], pipelines: Pipelines = Pipelines()) {
    self.parameters = parameters
    self.targets = targets
    self.pipelines = pipelines
  }

  /// The names the boosting engine accepts (LightGBM's).
  public static let tunable = [
    "colsample_bytree", "reg_lambda", "learning_rate", "max_bin", "max_depth", "num_leaves", "min_child_samples",
    "n_estimators",
  ]

  /// The seed notebook's space as DESIGN.md fixes it, over the loaded `targets`.
  public static func standard(targets: [String]) -> SearchSpace {
    func lin(_ name: String, _ lo: Double, _ hi: Double, _ n: Int, int: Bool) -> Parameter {
      Parameter(name: name, values: linspace(lo, hi, n), isInteger: int)
    }
    return SearchSpace(
      parameters: [
        lin("colsample_bytree", 0.001, 1, 100, int: false),
        lin("reg_lambda", 0, 100_000, 10_000, int: false),
        lin("learning_rate", 0.000_01, 0.3, 1000, int: false),
        lin("max_bin", 2, 5, 4, int: true),
        lin("max_depth", 5, 16, 12, int: true),
        lin("num_leaves", 4, 2048, 512, int: true),
        lin("min_child_samples", 1, 15_000, 1000, int: true),
        lin("n_estimators", 10, 30_000, 3000, int: true),
      ], targets: targets)
  }

  /// numpy's linspace, each value then snapped to its shortest decimal (`shortestDecimal`).
  static func linspace(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
    evenlySpaced(lo, hi, n).map(shortestDecimal)
  }

  /// numpy's logspace over [lo, hi] (both > 0), each value snapped to its shortest decimal.
  static func logspace(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
    evenlySpaced(log(lo), log(hi), n).map { shortestDecimal(exp($0)) }
  }

  /// `n` evenly spaced values from `lo` to `hi`, both included (numpy's linspace, unrounded).
  private static func evenlySpaced(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
    n == 1 ? [lo] : (0..<n).map { i in i == n - 1 ? hi : lo + (hi - lo) * Double(i) / Double(n - 1) }
  }

  /// `x` rounded to 12 significant digits: the decimal a grid means (0.3, not 0.30000000000000004; 0.001, not
  /// logspace's 0.000999999999999997), so that JSON, CSV and tables print it as written. Moves a value by at
  /// most 5e-13 of itself.
  static func shortestDecimal(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    return Double(String(format: "%.12g", x)) ?? x
  }

  /// A space from JSON text; `availableTargets` are the data's targets (default for `target`).
  /// The space in the JSON file at `path`, or the notebook's (`standard`) when nil.
  public static func load(_ path: String?, availableTargets: [String]) throws -> SearchSpace {
    guard let path else { return standard(targets: availableTargets) }
    return try SearchSpace(json: try Data(contentsOf: URL(fileURLWithPath: path)), source: path, availableTargets: availableTargets)
  }

  public init(json: Data, source: String, availableTargets: [String]) throws {
    guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
      throw MiningError("\(source): not a JSON object, expected {\"parameter\": [values] or {\"linspace\": [lo, hi, n]}}")
    }
    var parameters: [Parameter] = []
    var targets = availableTargets
    var pipelines = Pipelines()
    for (name, spec) in object.sorted(by: { $0.key < $1.key }) {
      if name == "features" || name == "augment" {
        guard let list = spec as? [String], !list.isEmpty, Set(list).count == list.count else {
          throw MiningError("\(source): \"\(name)\" must be a non-empty list of distinct strings")
        }
        if name == "features" { pipelines.features = list } else { pipelines.augment = list }
        continue
      }
      if name == "target" {
        guard let list = spec as? [String], !list.isEmpty else {
          throw MiningError("\(source): \"target\" must be a non-empty list of target names")
        }
        for t in list where !availableTargets.contains(t) {
          throw MiningError("\(source): target '\(t)' is not in the data (it has \(availableTargets.joined(separator: ", ")))")
        }
        targets = list
        continue
      }
      guard Self.tunable.contains(name) else {
        throw MiningError("\(source): unknown parameter '\(name)', expected one of: \(Self.tunable.joined(separator: ", ")), target, features, augment")
      }
      let integral = ["max_bin", "max_depth", "num_leaves", "min_child_samples", "n_estimators"].contains(name)
      if let list = spec as? [NSNumber], !list.isEmpty {
        parameters.append(Parameter(name: name, values: list.map(\.doubleValue), isInteger: integral))
      } else if let dict = spec as? [String: Any] {
        let isInt = (dict["int"] as? Bool) ?? integral
        let kind = dict["linspace"] != nil ? "linspace" : "logspace"
        guard let triple = dict[kind] as? [NSNumber], triple.count == 3, triple[2].intValue >= 1 else {
          throw MiningError("\(source): parameter '\(name)': expected {\"linspace\": [lo, hi, n]} or {\"logspace\": [lo, hi, n]}")
        }
        let (lo, hi, n) = (triple[0].doubleValue, triple[1].doubleValue, triple[2].intValue)
        let values: [Double]
        if kind == "linspace" {
          values = Self.linspace(lo, hi, n)
        } else {
          guard lo > 0, hi > 0 else { throw MiningError("\(source): parameter '\(name)': logspace end points must be > 0") }
          values = Self.logspace(lo, hi, n)
        }
        parameters.append(Parameter(name: name, values: values, isInteger: isInt))
      } else {
        throw MiningError("\(source): parameter '\(name)': expected a list of numbers or {\"linspace\": [lo, hi, n]}")
      }
    }
    try pipelines.validate(source: source)
    let order = Self.tunable
    self.init(
      parameters: parameters.sorted { order.firstIndex(of: $0.name)! < order.firstIndex(of: $1.name)! }, targets: targets,
      pipelines: pipelines)
  }

  /// Whether a full or partial configuration keeps num_leaves ≤ 2^max_depth (given the fixed values).
  public func isAllowed(_ values: [String: Double], fixed: [String: Double]) -> Bool {
    guard let leaves = values["num_leaves"] ?? fixed["num_leaves"], let depth = values["max_depth"] ?? fixed["max_depth"]
    else { return true }
    return depth < 0 || leaves <= pow(2, depth)
  }

  /// Number of distinct configurations that satisfy the constraint (targets included).
  public func count(fixed: [String: Double]) -> Double {
    var total = Double(max(1, targets.count)) * Double(pipelines.features.count * pipelines.augment.count)
    let depth = parameters.first { $0.name == "max_depth" }
    let leaves = parameters.first { $0.name == "num_leaves" }
    for p in parameters where p.name != "max_depth" && p.name != "num_leaves" { total *= Double(p.values.count) }
    let depths = depth?.values ?? [fixed["max_depth"] ?? -1]
    let leafValues = leaves?.values ?? [fixed["num_leaves"] ?? 31]
    var pairs = 0
    for d in depths { for l in leafValues where d < 0 || l <= pow(2, d) { pairs += 1 } }
    return total * Double(pairs)
  }
}

/// A mining input that cannot be used, said in one line.
public struct MiningError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ message: String) { description = message }
}
