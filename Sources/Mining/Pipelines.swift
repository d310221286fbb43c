import Features

/// A search space's pipeline dimensions (issue 16): the feature stage a trial's data goes through (`raw`,
/// `pca:16`, `raw+pca:32`, …) and the augmentation that adds training rows (`none`, `cutout:0.1:1`, …). A dimension
/// with one value fixes it for every trial; only dimensions with a choice are sampled, after the target, so a
/// space without them samples exactly as before.
public struct Pipelines: Sendable, Equatable {
  public var features: [String]
  public var augment: [String]

  public init(features: [String] = [FeatureTransforms.identity], augment: [String] = [TrialConfiguration.noAugmentation]) {
    self.features = features
    self.augment = augment
  }

  /// The dimensions with a choice, in sampling order: name and values.
  public var searched: [(name: String, values: [String])] {
    [("features", features), ("augment", augment)].filter { $0.1.count > 1 }
  }

  /// `c` with the chosen value of each searched dimension (`choices`, one index each) and the fixed values.
  public func applying(_ choices: [Int], to c: TrialConfiguration) -> TrialConfiguration {
    var out = c
    out.features = features[0]
    out.augment = augment[0]
    for ((name, values), k) in zip(searched, choices) {
      if name == "features" { out.features = values[k] } else { out.augment = values[k] }
    }
    return out
  }

  /// The index of `c`'s value in each searched dimension (nil when a value is not in the space).
  public func choices(of c: TrialConfiguration) -> [Int]? {
    var out: [Int] = []
    for (name, values) in searched {
      guard let k = values.firstIndex(of: name == "features" ? c.features : c.augment) else { return nil }
      out.append(k)
    }
    return out
  }

  /// Checks every value: feature specs `FeatureTransforms` can fit (`raw+SPEC` too), augmentations that parse.
  /// - Throws: `MiningError` naming the source and the value.
  func validate(source: String) throws {
    for spec in features where !FeatureTransforms.isKnown(spec) {
      throw MiningError("\(source): \"features\" value '\(spec)': expected raw, raw+SPEC or one of \(FeatureTransforms.specs.joined(separator: ", "))")
    }
    for spec in augment where spec != TrialConfiguration.noAugmentation {
      do { _ = try TrainingAugmentation(spec) } catch { throw MiningError("\(source): \"augment\" value '\(spec)': \(error)") }
    }
  }
}
