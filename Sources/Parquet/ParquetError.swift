/// A Parquet file that cannot be read, with where and why.
///
/// The description is one line a user can act on: the file, the column when there is one, what was found
/// and what was expected.
public struct ParquetError: Error, CustomStringConvertible, Equatable {
  /// The file being read or written.
  public let path: String
  /// The column, when the problem is inside one column's data.
  public let column: String?
  /// What was wrong and what was expected.
  public let reason: String

  /// An error about `path` (and `column`).
  public init(path: String, column: String? = nil, reason: String) {
    self.path = path
    self.column = column
    self.reason = reason
  }

  public var description: String {
    if let column { return "\(path): column '\(column)': \(reason)" }
    return "\(path): \(reason)"
  }
}

/// A decoding failure without location; `ParquetFile` adds the file and column before it reaches a user.
struct CorruptData: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}
