/// A predictions file (`id` plus one or more numeric columns), CSV or Parquet, e.g. a submission, a meta
/// model or a benchmark model's predictions.
public struct PredictionTable: Sendable {
  /// Row ids, in file order.
  public let ids: [String]
  /// The numeric columns other than `id`, `era` and `data_type`, in file order.
  public let columns: [(name: String, values: [Double])]

  /// Reads `path`; `columns` picks columns by name (default: every numeric column but id, era, data_type).
  public init(path: String, columns wanted: [String]? = nil) throws {
    let source: any TableSource =
      path.lowercased().hasSuffix(".csv") ? try CSVSource(path: path) : try ParquetSource(path: path)
    guard source.columnNames.contains("id") else {
      throw DataError(path: path, "no 'id' column, expected id plus prediction columns")
    }
    ids = try source.strings("id")
    let names = wanted ?? source.columnNames.filter { !["id", "era", "data_type"].contains($0) }
    guard !names.isEmpty else { throw DataError(path: path, "no prediction column besides 'id'") }
    columns = try names.map { name in
      guard source.columnNames.contains(name) else { throw DataError(path: path, "no column '\(name)'") }
      do { return (name, try source.floats64(name)) } catch let error as DataError {
        throw DataError(path: path, column: name, "expected numbers (\(error.description))")
      }
    }
  }
}
