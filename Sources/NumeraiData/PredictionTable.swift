import Foundation
import Parquet

/// A predictions (or meta-model) file: an `id` column and numeric columns, from CSV or Parquet (by content).
///
/// `era` and `data_type` columns are ignored; every other column must be numeric. Null, empty and `nan` fields are NaN.
public struct PredictionTable {
  /// The file read.
  public let path: String
  /// The `id` column.
  public let ids: StringColumn
  /// Numeric columns in file order.
  public let columns: [(name: String, values: [Double])]

  static let ignored: Set<String> = ["id", "era", "data_type"]

  /// Reads `path` (Parquet or CSV, recognised by content).
  /// - Throws: `DataError` naming the file and what was expected.
  public init(path: String) throws {
    self.path = path
    guard FileManager.default.fileExists(atPath: path) else { throw DataError(path: path, "no such file") }
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    let magic = try handle.read(upToCount: 4) ?? Data()
    try handle.close()
    if magic == Data("PAR1".utf8) {
      (ids, columns) = try Self.readParquet(path)
    } else {
      (ids, columns) = try Self.readCSV(path)
    }
    guard !columns.isEmpty else {
      throw DataError(path: path, "no prediction columns, expected 'id' and at least one numeric column")
    }
  }

  /// For each of `rows` (dataset rows), the index of its id in this table, or nil where the table lacks it.
  ///
  /// Fast path without hashing when the table lists exactly those ids in that order (files written from the data).
  /// - Throws: `DataError` when an id appears twice.
  public func positions(of rows: [Int], in ids: StringColumn) throws -> [Int?] {
    if self.ids.count == rows.count {
      if rows.count == ids.count && rows.last.map({ $0 == rows.count - 1 }) ?? true && self.ids == ids {
        return Array(rows.indices)
      }
      let same = self.ids.bytes.withUnsafeBufferPointer { mine in
        ids.bytes.withUnsafeBufferPointer { theirs in
          rows.indices.allSatisfy { k in
            let a = mine[self.ids.offsets[k]..<self.ids.offsets[k + 1]]
            let b = theirs[ids.offsets[rows[k]]..<ids.offsets[rows[k] + 1]]
            return a.elementsEqual(b)
          }
        }
      }
      if same { return Array(rows.indices) }
    }
    var byID: [String: Int] = [:]
    byID.reserveCapacity(self.ids.count)
    for (k, id) in self.ids.enumerated() {
      guard byID.updateValue(k, forKey: id) == nil else {
        throw DataError(path: path, column: "id", "id '\(id)' appears twice, expected each id once")
      }
    }
    return rows.map { byID[ids[$0]] }
  }

  /// The column named `name`, or the only column when `name` is nil.
  public func column(_ name: String?) throws -> [Double] {
    if let name {
      guard let c = columns.first(where: { $0.name == name }) else {
        throw DataError(path: path, "no column '\(name)'; columns: \(columns.map(\.name).joined(separator: ", "))")
      }
      return c.values
    }
    if let c = columns.first(where: { $0.name == "numerai_meta_model" }) { return c.values }
    guard columns.count == 1 else {
      throw DataError(
        path: path, "several columns (\(columns.map(\.name).joined(separator: ", "))): choose one with --meta-column")
    }
    return columns[0].values
  }

  private static func readParquet(_ path: String) throws -> (StringColumn, [(String, [Double])]) {
    let file = try ParquetFile(path: path)
    guard let idIndex = file.columnIndex(named: "id") else {
      throw DataError(path: path, "no 'id' column, expected the Numerai row ids")
    }
    guard case .byteArray(let bytes, let offsets, _) = try file.readColumn(idIndex) else {
      throw DataError(path: path, column: "id", "expected string ids")
    }
    let ids =
      offsets.first == 0 && offsets.last == bytes.count
      ? StringColumn(bytes: bytes, offsets: offsets)
      : StringColumn(
        (0..<(offsets.count - 1)).map { String(decoding: bytes[offsets[$0]..<offsets[$0 + 1]], as: UTF8.self) })
    var columns: [(String, [Double])] = []
    for (j, descriptor) in file.columns.enumerated() where !ignored.contains(descriptor.name) {
      let values: [Double]
      switch try file.readColumn(j) {
      case .double(let v, let valid): values = masked(v, valid)
      case .float(let v, let valid): values = masked(v.map(Double.init), valid)
      case .int32(let v, let valid): values = masked(v.map(Double.init), valid)
      case .int64(let v, let valid): values = masked(v.map(Double.init), valid)
      default: throw DataError(path: path, column: descriptor.name, "expected numeric predictions")
      }
      columns.append((descriptor.name, values))
    }
    return (ids, columns)
  }

  private static func masked(_ values: [Double], _ valid: [Bool]?) -> [Double] {
    guard let valid else { return values }
    return zip(values, valid).map { $1 ? $0 : .nan }
  }

  private static func readCSV(_ path: String) throws -> (StringColumn, [(String, [Double])]) {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw DataError(path: path, "cannot read the file as UTF-8 CSV or Parquet (\(error.localizedDescription))")
    }
    let lines = text.split(whereSeparator: \.isNewline)
    guard let headerLine = lines.first else { throw DataError(path: path, "the file is empty, expected a CSV header") }
    let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }
    guard let idColumn = header.firstIndex(of: "id") else {
      throw DataError(path: path, "no 'id' column in the header, expected the Numerai row ids")
    }
    let numeric = header.indices.filter { !ignored.contains(header[$0]) }
    var ids = StringColumn()
    var values = numeric.map { _ in [Double]() }
    for (n, line) in lines.dropFirst().enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == header.count else {
        throw DataError(
          path: path, "line \(n + 2) has \(fields.count) fields, expected \(header.count) as in the header")
      }
      ids.append(fields[idColumn].trimmingCharacters(in: CharacterSet(charactersIn: "\" ")))
      for (k, j) in numeric.enumerated() {
        let field = fields[j].trimmingCharacters(in: .whitespaces)
        if field.isEmpty || field.lowercased() == "nan" {
          values[k].append(.nan)
        } else if let v = Double(field) {
          values[k].append(v)
        } else {
          throw DataError(path: path, column: header[j], "line \(n + 2): '\(field)' is not a number")
        }
      }
    }
    return (ids, numeric.enumerated().map { (header[$0.element], values[$0.offset]) })
  }
}
