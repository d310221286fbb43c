/// The nonlinearity applied after a dense layer.
public enum Activation: UInt8, Sendable, Codable {
  /// No nonlinearity (output layers).
  case identity = 0
  /// `max(0, x)`.
  case relu = 1
  /// `x` for positive inputs, `0.01·x` otherwise.
  case leakyReLU = 2

  /// The slope of `leakyReLU` for negative inputs.
  public static let leakySlope: Float = 0.01
}
