import Foundation

/// Which columns to load.
public struct DatasetLoadOptions: Sendable {
  /// Feature columns to load; nil loads every `feature*` column of the first file.
  public var features: [String]?
  /// Target columns to load; nil loads every `target*` column (`target` first).
  public var targets: [String]?
  /// Threads decoding feature columns.
  public var threads: Int

  /// Options; the defaults load every feature and target on 2 threads.
  public init(features: [String]? = nil, targets: [String]? = nil, threads: Int = 2) {
    self.features = features
    self.targets = targets
    self.threads = max(1, threads)
  }
}

/// A loaded dataset and what the user should know about it (NaN features replaced, …).
public struct LoadedDataset: Sendable {
  /// The rows, in era order.
  public let dataset: Dataset
  /// One line per notice, e.g. how many NaN feature values became the middle bin.
  public let warnings: [String]
  /// Per feature column, how many NaN or null values were replaced by the middle bin 2.
  public let missingFeatureValues: [Int]
}

/// Loads Numerai files (Parquet, CSV, or the memory-mapped `.smd` cache, recognised by content) into one
/// `Dataset` in era order.
///
/// Feature values are bins 0…4 read straight into int8 columns: integer features as they are, float
/// features (0, .25, …, 1) × 4; a NaN feature becomes the middle bin 2 and is counted in a warning. Eras may
/// be strings or integers (integers are zero-padded to 4 digits, as Numerai writes them). Rows from several
/// files are merged and stably sorted by era.
public enum DatasetLoader {
  /// Loads `paths` into one dataset.
  ///
  /// - Complexity: O(rows × features); holds the output plus, when the files' rows are not already in
  ///   era order one after the other, one file's feature matrix.
  public static func load(paths: [String], options: DatasetLoadOptions = .init()) throws -> LoadedDataset {
    guard !paths.isEmpty else { throw DataError("no data files given") }
    if paths.count == 1, DatasetCache.isCache(path: paths[0]), options.features == nil, options.targets == nil {
      let dataset = try DatasetCache.open(path: paths[0])
      return LoadedDataset(dataset: dataset, warnings: [], missingFeatureValues: dataset.featureNames.map { _ in 0 })
    }
    let sources: [any TableSource] = try paths.map(openSource)
    for s in sources where s.rowCount == 0 { throw DataError(path: s.path, "no rows") }
    for s in sources where !s.columnNames.contains("era") {
      throw DataError(path: s.path, "no 'era' column, expected Numerai's era column")
    }
    // Columns.
    let featureNames = options.features ?? sources[0].columnNames.filter { $0.hasPrefix("feature") }
    guard !featureNames.isEmpty else {
      throw DataError(path: sources[0].path, "no feature columns (expected columns named feature_…)")
    }
    for s in sources {
      let available = Set(s.columnNames)
      if let missing = featureNames.first(where: { !available.contains($0) }) {
        throw DataError(path: s.path, "no column '\(missing)', expected every requested feature column")
      }
    }
    var targetNames: [String]
    if let requested = options.targets {
      targetNames = requested
      for s in sources {
        if let missing = requested.first(where: { !s.columnNames.contains($0) }) {
          throw DataError(path: s.path, "no target column '\(missing)'")
        }
      }
    } else {
      targetNames = []
      for s in sources { for c in s.columnNames where c.hasPrefix("target") && !targetNames.contains(c) { targetNames.append(c) } }
      if let main = targetNames.firstIndex(of: "target") { targetNames.insert(targetNames.remove(at: main), at: 0) }
    }
    // Row order: stable by era across the files in the order given.
    var eraLabels: [[String]] = []
    for s in sources { eraLabels.append(try s.strings("era").map(normalizeEra)) }
    var order: [(file: Int, row: Int)] = []
    for (f, labels) in eraLabels.enumerated() { for r in labels.indices { order.append((f, r)) } }
    let concatenatedSorted = order.indices.dropFirst().allSatisfy {
      eraLabels[order[$0 - 1].file][order[$0 - 1].row] <= eraLabels[order[$0].file][order[$0].row]
    }
    if !concatenatedSorted {
      order.sort { a, b in
        let ea = eraLabels[a.file][a.row]
        let eb = eraLabels[b.file][b.row]
        return ea != eb ? ea < eb : (a.file, a.row) < (b.file, b.row)
      }
    }
    let rows = order.count
    // Destination row of each source row.
    var destination = sources.map { [Int](repeating: 0, count: $0.rowCount) }
    for (d, o) in order.enumerated() { destination[o.file][o.row] = d }
    let fileOffsets = sources.reduce(into: [0]) { $0.append($0.last! + $1.rowCount) }

    var warnings: [String] = []
    var missingPerColumn = featureNames.map { _ in 0 }
    let features = try ColumnMajorMatrix<Int8>(rowCount: rows, columnCount: featureNames.count) { out in
      for (f, source) in sources.enumerated() {
        let n = source.rowCount
        let missing: [Int]
        if concatenatedSorted {
          let slices = featureNames.indices.map { j in
            UnsafeMutableBufferPointer(rebasing: out[(j * rows + fileOffsets[f])..<(j * rows + fileOffsets[f] + n)])
          }
          missing = try source.readFeatures(featureNames, into: slices, threads: options.threads)
          try checkBins(slices, names: featureNames, path: source.path)
        } else {
          let temporary = UnsafeMutableBufferPointer<Int8>.allocate(capacity: n * featureNames.count)
          defer { temporary.deallocate() }
          let slices = featureNames.indices.map { j in UnsafeMutableBufferPointer(rebasing: temporary[(j * n)..<((j + 1) * n)]) }
          missing = try source.readFeatures(featureNames, into: slices, threads: options.threads)
          try checkBins(slices, names: featureNames, path: source.path)
          for j in featureNames.indices {
            let column = out.baseAddress! + j * rows
            for r in 0..<n { column[destination[f][r]] = slices[j][r] }
          }
        }
        for j in missing.indices { missingPerColumn[j] += missing[j] }
        let total = missing.reduce(0, +)
        if total > 0 {
          let columns = missing.filter { $0 > 0 }.count
          warnings.append(
            "\(source.path): \(total) NaN feature values in \(columns) columns treated as the middle bin 2")
        }
      }
    }
    let targets = try ColumnMajorMatrix<Float>(rowCount: rows, columnCount: targetNames.count) { out in
      for (t, name) in targetNames.enumerated() {
        let column = out.baseAddress! + t * rows
        for (f, source) in sources.enumerated() {
          guard source.columnNames.contains(name) else {
            for r in 0..<source.rowCount { column[destination[f][r]] = .nan }
            continue
          }
          let values = try source.floats(name)
          for r in values.indices { column[destination[f][r]] = values[r] }
        }
      }
    }
    func gatherStrings(_ column: String) throws -> StringColumn? {
      guard sources.allSatisfy({ $0.columnNames.contains(column) }) else { return nil }
      let perFile = try sources.map { try $0.strings(column) }
      return StringColumn(order.lazy.map { perFile[$0.file][$0.row] })
    }
    let ids: StringColumn
    if let found = try gatherStrings("id") {
      ids = found
    } else if let s = sources.first(where: { !$0.columnNames.contains("id") }) {
      throw DataError(path: s.path, "no 'id' column, expected Numerai's row ids")
    } else {
      ids = StringColumn()
    }
    let dataTypes = try gatherStrings("data_type")
    // Era ranges from the sorted labels.
    var eras: [String] = []
    var ranges: [Range<Int>] = []
    var start = 0
    for d in 0..<rows {
      let label = eraLabels[order[d].file][order[d].row]
      if d + 1 == rows || eraLabels[order[d + 1].file][order[d + 1].row] != label {
        eras.append(label)
        ranges.append(start..<(d + 1))
        start = d + 1
      }
    }
    let dataset = Dataset(
      ids: ids, eras: eras, eraRanges: ranges, featureNames: featureNames, features: features,
      targetNames: targetNames, targets: targets, dataTypes: dataTypes)
    return LoadedDataset(dataset: dataset, warnings: warnings, missingFeatureValues: missingPerColumn)
  }

  /// Numerai eras as labels that sort in time: integers (and short digit strings) zero-padded to 4 digits.
  static func normalizeEra(_ label: String) -> String {
    guard !label.isEmpty, label.count < 4, label.allSatisfy(\.isASCII), label.allSatisfy(\.isNumber) else { return label }
    return String(repeating: "0", count: 4 - label.count) + label
  }

  /// Every feature value must be a bin 0…4.
  private static func checkBins(_ columns: [UnsafeMutableBufferPointer<Int8>], names: [String], path: String) throws {
    for (j, column) in columns.enumerated() {
      var low: Int8 = 0
      var high: Int8 = 4
      for v in column {
        low = min(low, v)
        high = max(high, v)
      }
      if low < 0 || high > 4 {
        let bad = column.first { $0 < 0 || $0 > 4 }!
        throw DataError(path: path, column: names[j], "holds \(bad), expected bins 0…4 (or floats 0, .25, …, 1)")
      }
    }
  }

  private static func openSource(_ path: String) throws -> any TableSource {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw DataError(path: path, "cannot open the file (missing or unreadable)")
    }
    let head = (try? handle.read(upToCount: 8)) ?? Data()
    try? handle.close()
    if head.starts(with: Array("PAR1".utf8)) { return try ParquetSource(path: path) }
    if head.starts(with: DatasetCache.magic) { return DatasetSource(dataset: try DatasetCache.open(path: path), path: path) }
    if path.lowercased().hasSuffix(".csv") { return try CSVSource(path: path) }
    if head.isEmpty { throw DataError(path: path, "the file is empty, expected Parquet, CSV or a .smd cache") }
    if path.lowercased().hasSuffix(".parquet") { return try ParquetSource(path: path) }
    throw DataError(path: path, "not a Parquet file, a .csv file or a SignalMiner cache")
  }
}
