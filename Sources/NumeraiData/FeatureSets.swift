import Foundation

/// Numerai's `features.json`: named feature sets (`small`, `medium`, `all`, …) and the target names.
public struct FeatureSets: Sendable, Equatable {
  /// Feature names per set.
  public let sets: [String: [String]]
  /// Target names, as listed.
  public let targets: [String]

  /// Sets and targets given directly.
  public init(sets: [String: [String]], targets: [String]) {
    self.sets = sets
    self.targets = targets
  }

  /// Reads `{"feature_sets": {name: [features]}, "targets": [names]}` from `path`.
  public init(contentsOf path: String) throws {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw DataError(path: path, "cannot read the file (\(error.localizedDescription))")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw DataError(path: path, "not a JSON object, expected Numerai's features.json")
    }
    guard let rawSets = object["feature_sets"] as? [String: Any] else {
      throw DataError(path: path, "no \"feature_sets\" object, expected Numerai's features.json")
    }
    var sets: [String: [String]] = [:]
    for (name, value) in rawSets {
      guard let features = value as? [String] else {
        throw DataError(path: path, "feature set \"\(name)\" is not a list of feature names")
      }
      sets[name] = features
    }
    self.sets = sets
    targets = object["targets"] as? [String] ?? []
  }

  /// The features of set `name`; an unknown name is an error listing the known ones.
  public func features(inSet name: String) throws -> [String] {
    guard let features = sets[name] else {
      throw DataError("unknown feature set '\(name)', expected one of: \(sets.keys.sorted().joined(separator: ", "))")
    }
    return features
  }

  /// The JSON Numerai writes (keys sorted, so files are reproducible).
  public func jsonData() throws -> Data {
    try JSONSerialization.data(
      withJSONObject: ["feature_sets": sets, "targets": targets], options: [.prettyPrinted, .sortedKeys])
  }
}
