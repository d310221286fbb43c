import Foundation

/// A CSV file with Numerai's columns (`id`, `era`, `data_type`, `feature_*`, `target*`), read whole.
///
/// Meant for small files and hand-made examples: fields are split on commas (surrounding double quotes
/// removed); an empty field, `nan` or `NaN` is missing.
struct CSVSource: TableSource {
  let path: String
  let columnNames: [String]
  private let columns: [[Substring]]
  let rowCount: Int

  init(path: String) throws {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw DataError(path: path, "cannot read the file (\(error.localizedDescription))")
    }
    var lines = text.split(whereSeparator: \.isNewline)
    guard !lines.isEmpty else { throw DataError(path: path, "the file is empty, expected a CSV header line") }
    func fields(_ line: Substring) -> [Substring] {
      line.split(separator: ",", omittingEmptySubsequences: false).map { f in
        let t = f.trimmingCharacters(in: .whitespaces)
        return Substring(t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 ? String(t.dropFirst().dropLast()) : t)
      }
    }
    let header = fields(lines.removeFirst()).map(String.init)
    var columns = Array(repeating: [Substring](), count: header.count)
    for (n, line) in lines.enumerated() {
      let row = fields(line)
      guard row.count == header.count else {
        throw DataError(path: path, "line \(n + 2) has \(row.count) fields, expected \(header.count) as in the header")
      }
      for (j, field) in row.enumerated() { columns[j].append(field) }
    }
    self.path = path
    columnNames = header
    self.columns = columns
    rowCount = lines.count
  }

  private func column(_ name: String) throws -> [Substring] {
    guard let j = columnNames.firstIndex(of: name) else { throw DataError(path: path, "no column '\(name)'") }
    return columns[j]
  }

  func strings(_ name: String) throws -> [String] { try column(name).map(String.init) }

  func floats(_ name: String) throws -> [Float] {
    try column(name).enumerated().map { i, field in
      if field.isEmpty || field.lowercased() == "nan" { return .nan }
      guard let x = Float(field) else {
        throw DataError(path: path, column: name, "row \(i + 1) holds '\(field)', expected a number")
      }
      return x
    }
  }

  func readFeatures(
    _ names: [String], into output: UnsafeMutableBufferPointer<Int8>, columnStride: Int, threads: Int
  ) throws -> [Int] {
    var missing = names.map { _ in 0 }
    for (k, name) in names.enumerated() {
      let start = k * columnStride
      for (i, field) in try column(name).enumerated() {
        if field.isEmpty || field.lowercased() == "nan" {
          output[start + i] = 2
          missing[k] += 1
          continue
        }
        if let v = Int8(field) {
          output[start + i] = v
        } else if let x = Double(field), let v = Int8(exactly: (x * 4).rounded()) {
          output[start + i] = v
        } else {
          throw DataError(path: path, column: name, "row \(i + 1) holds '\(field)', expected a bin 0…4 or 0, .25, …, 1")
        }
      }
    }
    return missing
  }
}
