import Foundation
import Parquet
import Testing

/// Every value our reader decodes equals pyarrow's, for files pyarrow writes with each codec and layout.
@Suite struct ParquetReaderInteropTests {
  @Test(arguments: PyarrowFixtures.variants)
  func everyValueEqualsPyarrows(variant: String) throws {
    let expected = try #require(try PyarrowFixtures.expected()[variant])
    let file = try ParquetFile(path: try PyarrowFixtures.directory.get() + "/\(variant).parquet")
    #expect(file.rowCount == 2500)
    #expect(Set(file.columns.map(\.name)) == Set(expected.keys))
    for (index, column) in file.columns.enumerated() {
      let want = try #require(expected[column.name])
      let values = try file.readColumn(index)
      #expect(values.count == want.count, "\(column.name)")
      for (i, w) in want.enumerated() {
        let isNull = w is NSNull
        #expect((values.valid?[i] ?? true) == !isNull, "\(variant) \(column.name) row \(i) null")
        if isNull { continue }
        let ok: Bool
        switch values {
        case .int32(let v, _): ok = Int(v[i]) == (w as! NSNumber).intValue
        case .int64(let v, _): ok = v[i] == (w as! NSNumber).int64Value
        case .boolean(let v, _): ok = v[i] == (w as! NSNumber).boolValue
        case .float(let v, _):
          let x = Double(w as! String)!
          ok = x.isNaN ? v[i].isNaN : Double(v[i]) == x
        case .double(let v, _):
          let x = Double(w as! String)!
          ok = x.isNaN ? v[i].isNaN : v[i] == x
        case .byteArray(let bytes, let offsets, _) where column.physicalType == .fixedLenByteArray:
          ok = bytes[offsets[i]..<offsets[i + 1]].map { String(format: "%02x", $0) }.joined() == (w as! String)
        case .byteArray: ok = values.string(at: i) == (w as! String)
        }
        if !ok {
          Issue.record("\(variant) \(column.name) row \(i): differs from pyarrow's \(w)")
          break
        }
      }
    }
  }

  @Test func schemaAnnotationsAreRead() throws {
    let file = try ParquetFile(path: try PyarrowFixtures.directory.get() + "/snappy.parquet")
    let byName = Dictionary(uniqueKeysWithValues: file.columns.map { ($0.name, $0) })
    #expect(byName["feature_a"]?.physicalType == .int32)
    #expect(byName["feature_a"]?.intBitWidth == 8)
    #expect(byName["small"]?.intBitWidth == 16)
    #expect(byName["era"]?.isString == true)
    #expect(byName["id"]?.isString == true)
    #expect(byName["target"]?.physicalType == .float)
    #expect(byName["era_int"]?.physicalType == .int64)
    #expect(byName["dec"]?.physicalType == .fixedLenByteArray)
    #expect(byName["dec"]?.decimalScale == 4)
    #expect(byName["half"]?.isFloat16 == true)
    #expect(byName["fixed"]?.fixedLength == 6)
    #expect(byName["ts"]?.physicalType == .int96)
    #expect(file.codecNames == ["SNAPPY"])
    #expect(file.keyValueMetadata["pandas"]?.contains("\"index_columns\": [\"id\"]") == true)
  }

  @Test(arguments: PyarrowFixtures.variants)
  func int8FastPathMatchesTheGeneralReader(variant: String) throws {
    let file = try ParquetFile(path: try PyarrowFixtures.directory.get() + "/\(variant).parquet")
    let names = ["feature_a", "feature_b", "feature_f", "small"]
    let indices = names.map { file.columnIndex(named: $0)! }
    var failing = [Int8](repeating: -1, count: indices.count * file.rowCount)
    // "small" is int16 data: it must fail, naming the column and the value.
    #expect {
      _ = try file.readInt8Columns(indices, into: &failing, floatScale: 4, missing: 2, threads: 2)
    } throws: { error in
      "\(error)".contains("column 'small'") && "\(error)".contains("does not fit in int8")
    }
    var matrix = [Int8](repeating: -1, count: 3 * file.rowCount)
    let replaced = try file.readInt8Columns(
      Array(indices.prefix(3)), into: &matrix, floatScale: 4, missing: 2, threads: 2)
    for (k, index) in indices.prefix(3).enumerated() {
      let values = try file.readColumn(index)
      var nulls = 0
      for i in 0..<file.rowCount {
        let want: Int8
        switch values {
        case .int32(let v, _): want = Int8(v[i])
        case .float(let v, let valid):
          if v[i].isNaN || valid?[i] == false {
            want = 2
            nulls += 1
          } else {
            want = Int8((Double(v[i]) * 4).rounded())
          }
        default: Issue.record("unexpected type"); return
        }
        #expect(matrix[k * file.rowCount + i] == want)
      }
      #expect(replaced[k] == nulls)
    }
    #expect(replaced[2] > 0)
  }
}
