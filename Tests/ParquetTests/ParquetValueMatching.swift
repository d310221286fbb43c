import Foundation
import Parquet

/// Compares `ParquetValue`s with pyarrow's JSON of the same field (see `ParquetTestingCorpus.nestedPython`).
enum ParquetValueMatching {
  /// Where `values` (one per row) first differ from pyarrow's `want`, or nil when all are equal.
  static func mismatch(_ values: [ParquetValue], _ want: [Any]) -> String? {
    guard values.count == want.count else { return "\(values.count) rows, pyarrow reads \(want.count)" }
    for (row, (value, wanted)) in zip(values, want).enumerated() {
      if let difference = mismatch(value, wanted, at: "row \(row)") { return difference }
    }
    return nil
  }

  /// Where `value` first differs from `want`, described from `path` down.
  static func mismatch(_ value: ParquetValue, _ want: Any, at path: String) -> String? {
    let number = want as? NSNumber
    let text = want as? String
    let differs = "\(path): \(value) differs from pyarrow's \(want)"
    switch value {
    case .null: return want is NSNull ? nil : differs
    case .bool(let b): return number?.boolValue == b ? nil : differs
    case .int(let i): return number?.int64Value == i ? nil : differs
    case .float(let f):
      return text.flatMap(Double.init).map { $0.isNaN ? f.isNaN : Double(f) == $0 } == true ? nil : differs
    case .double(let d): return text.flatMap(Double.init).map { $0.isNaN ? d.isNaN : d == $0 } == true ? nil : differs
    case .string(let s): return hex(Array(s.utf8)) == text ? nil : differs
    case .bytes(let b): return hex(b) == text ? nil : differs
    case .list(let items):
      guard let wanted = want as? [Any], wanted.count == items.count else { return differs }
      return zip(items, wanted).enumerated().lazy.compactMap { mismatch($1.0, $1.1, at: "\(path)[\($0)]") }.first
    case .struct(let fields):
      guard let wanted = want as? [String: Any], Set(wanted.keys) == Set(fields.map(\.name)) else { return differs }
      return fields.lazy.compactMap { mismatch($0.value, wanted[$0.name]!, at: "\(path).\($0.name)") }.first
    case .map(let entries):
      guard let wanted = want as? [[Any]], wanted.count == entries.count, wanted.allSatisfy({ $0.count == 2 }) else {
        return differs
      }
      return zip(entries, wanted).enumerated().lazy.compactMap { k, pair in
        mismatch(pair.0.key, pair.1[0], at: "\(path){\(k)}.key")
          ?? mismatch(pair.0.value, pair.1[1], at: "\(path){\(k)}.value")
      }.first
    }
  }

  private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
