/// Inputs that cannot be scored, with what was found and what was expected.
public struct ScoringError: Error, CustomStringConvertible, Equatable {
  /// One line for the user.
  public let description: String

  /// An error whose description is `message`.
  public init(_ message: String) { description = message }
}
