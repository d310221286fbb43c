/// The benchmarks of the Signal Miner notebook, whose parameters every trial starts from.
public enum BenchmarkPresets {
  /// Numerai's example model.
  public static let example: [String: Double] = [
    "colsample_bytree": 0.1, "max_bin": 5, "max_depth": 5, "num_leaves": 15, "min_child_samples": 20,
    "n_estimators": 2000, "reg_lambda": 0, "learning_rate": 0.01,
  ]
  /// The deep benchmark.
  public static let deep: [String: Double] = [
    "colsample_bytree": 0.1, "max_bin": 5, "max_depth": 10, "num_leaves": 1024, "min_child_samples": 10000,
    "n_estimators": 30000, "reg_lambda": 0, "learning_rate": 0.001,
  ]

  /// `example`, `deep`, or `name=value,…` over the example.
  public static func parse(_ text: String) throws -> [String: Double] {
    if text == "example" { return example }
    if text == "deep" { return deep }
    var values = example
    for pair in text.split(separator: ",") {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let value = Double(parts[1]), SearchSpace.tunable.contains(parts[0]) else {
        throw MiningError(
          "--benchmark \(text): expected example, deep or name=value,… with names \(SearchSpace.tunable.joined(separator: ", "))")
      }
      values[parts[0]] = value
    }
    return values
  }
}
