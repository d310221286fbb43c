import Boosting

/// The engines a study or an exported ensemble may name.
public enum ModelTrainers {
  /// The trainer of `engine`, with `base` as the parameters a configuration overrides.
  public static func trainer(_ engine: String, base: BoostingParameters = BoostingParameters()) throws -> any ModelTrainer {
    guard engine == GBDTModelTrainer.engineName else {
      throw MiningError("engine '\(engine)': unknown, expected \(GBDTModelTrainer.engineName)")
    }
    return GBDTModelTrainer(base: base)
  }
}
