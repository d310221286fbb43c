/// Input data that cannot be loaded, with the file (and column) and what was expected.
public struct DataError: Error, CustomStringConvertible, Equatable {
  /// What went wrong, where, and what was expected: one line for the user.
  public let description: String

  /// An error whose description is `message`.
  public init(_ message: String) { description = message }

  /// An error about `path` (and `column`).
  public init(path: String, column: String? = nil, _ reason: String) {
    description = column.map { "\(path): column '\($0)': \(reason)" } ?? "\(path): \(reason)"
  }
}
