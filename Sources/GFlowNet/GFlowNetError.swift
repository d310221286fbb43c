/// What can go wrong in the GFlowNet module, with enough detail to fix it.
public enum GFlowNetError: Error, CustomStringConvertible, Equatable {
  /// A configuration value outside its allowed range.
  case invalidArgument(name: String, value: String, expected: String)
  /// A parameter file that is not in the format `MLP.serialized()` writes.
  case corruptParameters(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidArgument(let name, let value, let expected):
      return "invalid \(name) \(value): expected \(expected)"
    case .corruptParameters(let path, let reason):
      return "cannot read network parameters from \(path): \(reason)"
    }
  }
}
