import Parquet

/// One input file as the loader sees it: named columns it can decode on demand.
protocol TableSource {
  var path: String { get }
  var rowCount: Int { get }
  var columnNames: [String] { get }
  /// The column as strings (integers formatted; `era` integers zero-padded to 4 digits by the caller).
  func strings(_ column: String) throws -> [String]
  /// The column as Float, NaN for a null.
  func floats(_ column: String) throws -> [Float]
  /// Feature columns as bins: float values × 4, NaN and null → 2. Column k fills the `rowCount` elements of
  /// `output` from `k × columnStride` on. Returns per column how many were replaced.
  func readFeatures(
    _ names: [String], into output: UnsafeMutableBufferPointer<Int8>, columnStride: Int, threads: Int
  ) throws -> [Int]
}

/// A Parquet file through `ParquetFile`.
struct ParquetSource: TableSource {
  let file: ParquetFile
  var path: String { file.path }
  var rowCount: Int { file.rowCount }
  var columnNames: [String] { file.columns.map(\.name) }

  init(path: String) throws { file = try ParquetFile(path: path) }

  private func index(_ column: String) throws -> Int {
    guard let i = file.columnIndex(named: column) else {
      throw DataError(path: path, "no column '\(column)'")
    }
    return i
  }

  func strings(_ column: String) throws -> [String] {
    let values = try file.readColumn(try index(column))
    switch values {
    case .byteArray: return (0..<values.count).map { values.string(at: $0)! }
    case .int32(let v, _): return v.map { String($0) }
    case .int64(let v, _): return v.map { String($0) }
    default: throw DataError(path: path, column: column, "expected strings or integers")
    }
  }

  func floats(_ column: String) throws -> [Float] {
    switch try file.readColumn(try index(column)) {
    case .float(let v, _): return v
    case .double(let v, _): return v.map(Float.init)
    case .int32(let v, let valid): return v.indices.map { valid?[$0] == false ? .nan : Float(v[$0]) }
    case .int64(let v, let valid): return v.indices.map { valid?[$0] == false ? .nan : Float(v[$0]) }
    default: throw DataError(path: path, column: column, "expected numbers")
    }
  }

  func readFeatures(
    _ names: [String], into output: UnsafeMutableBufferPointer<Int8>, columnStride: Int, threads: Int
  ) throws -> [Int] {
    let indices = try names.map(index)
    var output = output
    return try file.readInt8Columns(
      indices, into: &output, columnStride: columnStride, floatScale: 4, missing: 2, threads: threads)
  }
}

/// An already loaded Dataset (the memory-mapped cache) as a source.
struct DatasetSource: TableSource {
  let dataset: Dataset
  let path: String
  var rowCount: Int { dataset.rowCount }
  var columnNames: [String] {
    ["id", "era"] + (dataset.dataTypes == nil ? [] : ["data_type"]) + dataset.featureNames + dataset.targetNames
  }

  func strings(_ column: String) throws -> [String] {
    switch column {
    case "id": return Array(dataset.ids)
    case "era": return dataset.eraRanges.enumerated().flatMap { e, r in Array(repeating: dataset.eras[e], count: r.count) }
    case "data_type" where dataset.dataTypes != nil: return Array(dataset.dataTypes!)
    default: throw DataError(path: path, "no column '\(column)'")
    }
  }

  func floats(_ column: String) throws -> [Float] {
    guard let t = dataset.targetIndex(named: column) else { throw DataError(path: path, "no column '\(column)'") }
    return dataset.targets.columnArray(t)
  }

  func readFeatures(
    _ names: [String], into output: UnsafeMutableBufferPointer<Int8>, columnStride: Int, threads: Int
  ) throws -> [Int] {
    for (k, name) in names.enumerated() {
      guard let j = dataset.featureIndex(named: name) else { throw DataError(path: path, "no column '\(name)'") }
      let start = k * columnStride
      dataset.features.withUnsafeColumn(j) {
        _ = UnsafeMutableBufferPointer(rebasing: output[start..<(start + rowCount)]).initialize(fromContentsOf: $0)
      }
    }
    return names.map { _ in 0 }
  }
}
