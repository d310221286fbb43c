/// What can go wrong reading a network's saved parameters, with enough detail to fix it.
public enum NeuralNetworkError: Error, CustomStringConvertible, Equatable {
  /// A parameter file that is not in the format `MLP.serialized()` writes.
  case corruptParameters(path: String, reason: String)

  public var description: String {
    switch self {
    case .corruptParameters(let path, let reason):
      return "cannot read network parameters from \(path): \(reason)"
    }
  }
}
