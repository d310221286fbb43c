/// Why scores or splits could not be computed: says which era, column or parameter, and what was expected.
public struct ScoringError: Error, CustomStringConvertible, Equatable {
  /// The full message.
  public let description: String

  /// An error with this message.
  public init(_ description: String) { self.description = description }
}
