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

  /// The same load with `dataset` standing for the rows (e.g. with appended features, which had no missing values).
  public func replacingDataset(_ dataset: Dataset) -> LoadedDataset {
    LoadedDataset(
      dataset: dataset, warnings: warnings,
      missingFeatureValues: missingFeatureValues + Array(repeating: 0, count: max(0, dataset.featureCount - missingFeatureValues.count)))
  }
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
    let files = try Files(paths, options: options)
    var missing = MissingValues(files.sources, features: files.featureNames.count)
    let features = try ColumnMajorMatrix<Int8>(rowCount: files.order.rowCount, columnCount: files.featureNames.count) { out in
      try readFeatures(0..<files.featureNames.count, from: files, into: out, threads: options.threads, missing: &missing)
    }
    let contents = try files.contents()
    let (eras, ranges) = files.order.eras()
    let dataset = Dataset(
      ids: contents.ids, eras: eras, eraRanges: ranges, featureNames: files.featureNames, features: features,
      targetNames: files.targetNames, targets: contents.targets, dataTypes: contents.dataTypes)
    return LoadedDataset(dataset: dataset, warnings: missing.warnings, missingFeatureValues: missing.perColumn)
  }

  /// Loads `paths` as `load(paths:options:)` would and writes them to the `.smd` cache `out` without holding the
  /// feature matrix: features are read and written a batch of columns at a time, at most `batchBytes` each.
  /// Returns the cache, memory-mapped, and the load's warnings.
  ///
  /// - Complexity: O(rows × features) time; memory for the targets, ids and one batch.
  public static func importCache(
    paths: [String], options: DatasetLoadOptions = .init(), to out: String, batchBytes: Int = 1 << 30
  ) throws -> LoadedDataset {
    guard !paths.isEmpty else { throw DataError("no data files given") }
    let files = try Files(paths, options: options)
    let rows = files.order.rowCount
    var missing = MissingValues(files.sources, features: files.featureNames.count)
    let batchColumns = max(1, batchBytes / max(rows, 1))
    let buffer = UnsafeMutableBufferPointer<Int8>.allocate(capacity: rows * min(batchColumns, files.featureNames.count))
    defer { buffer.deallocate() }
    try DatasetCache.write(try files.contents(), to: out) { writer in
      for start in stride(from: 0, to: files.featureNames.count, by: batchColumns) {
        let columns = start..<min(files.featureNames.count, start + batchColumns)
        let batch = UnsafeMutableBufferPointer(rebasing: buffer[0..<(columns.count * rows)])
        try readFeatures(columns, from: files, into: batch, threads: options.threads, missing: &missing)
        try writer.append(UnsafeBufferPointer(batch))
      }
    }
    let dataset = try DatasetCache.open(path: out)
    return LoadedDataset(dataset: dataset, warnings: missing.warnings, missingFeatureValues: missing.perColumn)
  }

  /// The opened files, the columns to read and the rows' era order.
  private struct Files {
    let sources: [any TableSource]
    let featureNames: [String]
    let targetNames: [String]
    let order: RowOrder

    init(_ paths: [String], options: DatasetLoadOptions) throws {
      sources = try openSources(paths)
      featureNames = try selectFeatures(options.features, in: sources)
      targetNames = try selectTargets(options.targets, in: sources)
      order = try RowOrder(sources)
    }

    /// Everything but the features, in era order.
    func contents() throws -> DatasetCache.Contents {
      let targets = try readTargets(targetNames, from: sources, order: order)
      let ids: StringColumn
      if let found = try gatherStrings("id", from: sources, order: order) {
        ids = found
      } else if let s = sources.first(where: { !$0.columnNames.contains("id") }) {
        throw DataError(path: s.path, "no 'id' column, expected Numerai's row ids")
      } else {
        ids = StringColumn()
      }
      let dataTypes = try gatherStrings("data_type", from: sources, order: order)
      let (eras, ranges) = order.eras()
      return DatasetCache.Contents(
        eras: eras, eraCounts: ranges.map(\.count), featureNames: featureNames, targetNames: targetNames,
        targets: targets, ids: ids, dataTypes: dataTypes)
    }
  }

  /// NaN feature values replaced by the middle bin, per file and feature column.
  private struct MissingValues {
    let paths: [String]
    var counts: [[Int]]

    init(_ sources: [any TableSource], features: Int) {
      paths = sources.map(\.path)
      counts = sources.map { _ in Array(repeating: 0, count: features) }
    }

    /// Per feature column, over all files.
    var perColumn: [Int] { counts.dropFirst().reduce(counts[0]) { zip($0, $1).map(+) } }

    /// One line per file that had NaN.
    var warnings: [String] {
      zip(paths, counts).compactMap { path, missing in
        let total = missing.reduce(0, +)
        guard total > 0 else { return nil }
        return "\(path): \(total) NaN feature values in \(missing.filter { $0 > 0 }.count) columns treated as the middle bin 2"
      }
    }
  }

  // MARK: - Files and columns

  /// Opens every file; each must have rows and an `era` column.
  private static func openSources(_ paths: [String]) throws -> [any TableSource] {
    let sources: [any TableSource] = try paths.map(openSource)
    for s in sources where s.rowCount == 0 { throw DataError(path: s.path, "no rows") }
    for s in sources where !s.columnNames.contains("era") {
      throw DataError(path: s.path, "no 'era' column, expected Numerai's era column")
    }
    return sources
  }

  /// The requested feature columns, or every `feature*` column of the first file; every file must have them.
  private static func selectFeatures(_ requested: [String]?, in sources: [any TableSource]) throws -> [String] {
    let featureNames = requested ?? sources[0].columnNames.filter { $0.hasPrefix("feature") }
    guard !featureNames.isEmpty else {
      throw DataError(path: sources[0].path, "no feature columns (expected columns named feature_…)")
    }
    for s in sources {
      let available = Set(s.columnNames)
      if let missing = featureNames.first(where: { !available.contains($0) }) {
        throw DataError(path: s.path, "no column '\(missing)', expected every requested feature column")
      }
    }
    return featureNames
  }

  /// The features `load(paths:)` would load by default (every `feature*` column of the first file), read from the
  /// files' headers (a `.smd` cache is opened).
  public static func featureNames(paths: [String]) throws -> [String] {
    guard !paths.isEmpty else { throw DataError("no data files given") }
    if paths.count == 1, DatasetCache.isCache(path: paths[0]) { return try DatasetCache.open(path: paths[0]).featureNames }
    return try selectFeatures(nil, in: try openSources(paths))
  }

  /// The targets `load(paths:)` would load by default (every `target*` column, `target` first), read from the
  /// files' headers (a `.smd` cache is opened).
  public static func targetNames(paths: [String]) throws -> [String] {
    guard !paths.isEmpty else { throw DataError("no data files given") }
    if paths.count == 1, DatasetCache.isCache(path: paths[0]) { return try DatasetCache.open(path: paths[0]).targetNames }
    return try selectTargets(nil, in: try openSources(paths))
  }

  /// The requested target columns (every file must have them), or every `target*` column of any file with
  /// `target` first.
  private static func selectTargets(_ requested: [String]?, in sources: [any TableSource]) throws -> [String] {
    if let requested {
      for s in sources {
        if let missing = requested.first(where: { !s.columnNames.contains($0) }) {
          throw DataError(path: s.path, "no target column '\(missing)'")
        }
      }
      return requested
    }
    var targetNames: [String] = []
    for s in sources { for c in s.columnNames where c.hasPrefix("target") && !targetNames.contains(c) { targetNames.append(c) } }
    if let main = targetNames.firstIndex(of: "target") { targetNames.insert(targetNames.remove(at: main), at: 0) }
    return targetNames
  }

  // MARK: - Reading in row order

  /// Reads the feature columns `columns` (of `files.featureNames`) of every file into `out` (column-major,
  /// `files.order.rowCount` rows each) and counts their NaN values in `missing`.
  private static func readFeatures(
    _ columns: Range<Int>, from files: Files, into out: UnsafeMutableBufferPointer<Int8>, threads: Int,
    missing: inout MissingValues
  ) throws {
    let names = Array(files.featureNames[columns])
    for (f, source) in files.sources.enumerated() {
      let counts =
        files.order.isConcatenation
        ? try readFeaturesInPlace(names, from: source, file: f, order: files.order, into: out, threads: threads)
        : try readFeaturesScattered(names, from: source, file: f, order: files.order, into: out, threads: threads)
      for j in counts.indices { missing.counts[f][columns.lowerBound + j] += counts[j] }
    }
  }

  /// Reads file `f`'s features straight into its rows of `out`: its rows follow the previous files' in era order.
  private static func readFeaturesInPlace(
    _ featureNames: [String], from source: any TableSource, file f: Int, order: RowOrder,
    into out: UnsafeMutableBufferPointer<Int8>, threads: Int
  ) throws -> [Int] {
    let region = UnsafeMutableBufferPointer(rebasing: out[order.fileOffsets[f]...])
    let missing = try source.readFeatures(featureNames, into: region, columnStride: order.rowCount, threads: threads)
    try checkBins(region, columnStride: order.rowCount, rows: source.rowCount, names: featureNames, path: source.path)
    return missing
  }

  /// Reads file `f`'s features into a temporary matrix, then moves each row to its place in era order.
  private static func readFeaturesScattered(
    _ featureNames: [String], from source: any TableSource, file f: Int, order: RowOrder,
    into out: UnsafeMutableBufferPointer<Int8>, threads: Int
  ) throws -> [Int] {
    let n = source.rowCount
    let temporary = UnsafeMutableBufferPointer<Int8>.allocate(capacity: n * featureNames.count)
    defer { temporary.deallocate() }
    let missing = try source.readFeatures(featureNames, into: temporary, columnStride: n, threads: threads)
    try checkBins(temporary, columnStride: n, rows: n, names: featureNames, path: source.path)
    let destination = order.destination[f]
    for j in featureNames.indices {
      let column = out.baseAddress! + j * order.rowCount
      let read = temporary.baseAddress! + j * n
      for r in 0..<n { column[destination[r]] = read[r] }
    }
    return missing
  }

  /// The target matrix; a file without a target column contributes NaN.
  private static func readTargets(
    _ targetNames: [String], from sources: [any TableSource], order: RowOrder
  ) throws -> ColumnMajorMatrix<Float> {
    let rows = order.rowCount
    return try ColumnMajorMatrix<Float>(rowCount: rows, columnCount: targetNames.count) { out in
      for (t, name) in targetNames.enumerated() {
        let column = out.baseAddress! + t * rows
        for (f, source) in sources.enumerated() {
          let destination = order.destination[f]
          guard source.columnNames.contains(name) else {
            for r in 0..<source.rowCount { column[destination[r]] = .nan }
            continue
          }
          let values = try source.floats(name)
          for r in values.indices { column[destination[r]] = values[r] }
        }
      }
    }
  }

  /// A string column in row order, or nil when some file lacks it.
  private static func gatherStrings(
    _ column: String, from sources: [any TableSource], order: RowOrder
  ) throws -> StringColumn? {
    guard sources.allSatisfy({ $0.columnNames.contains(column) }) else { return nil }
    let perFile = try sources.map { try $0.strings(column) }
    return StringColumn(order.order.lazy.map { perFile[$0.file][$0.row] })
  }

  /// Numerai eras as labels that sort in time: integers (and short digit strings) zero-padded to 4 digits.
  static func normalizeEra(_ label: String) -> String {
    guard !label.isEmpty, label.count < 4, label.allSatisfy(\.isASCII), label.allSatisfy(\.isNumber) else { return label }
    return String(repeating: "0", count: 4 - label.count) + label
  }

  /// Every feature value must be a bin 0…4: checks `rows` values of each column, columns `columnStride` apart.
  private static func checkBins(
    _ matrix: UnsafeMutableBufferPointer<Int8>, columnStride: Int, rows: Int, names: [String], path: String
  ) throws {
    for (j, name) in names.enumerated() {
      let column = UnsafeMutableBufferPointer(rebasing: matrix[(j * columnStride)..<(j * columnStride + rows)])
      var low: Int8 = 0
      var high: Int8 = 4
      for v in column {
        low = min(low, v)
        high = max(high, v)
      }
      if low < 0 || high > 4 {
        let bad = column.first { $0 < 0 || $0 > 4 }!
        throw DataError(path: path, column: name, "holds \(bad), expected bins 0…4 (or floats 0, .25, …, 1)")
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

/// The files' rows in era order: stable by era across the files in the order given.
private struct RowOrder {
  /// Normalised era label of every row, per file.
  let eraLabels: [[String]]
  /// Source (file, row) of each output row.
  let order: [(file: Int, row: Int)]
  /// Whether the files' rows, one file after the other, are already in era order.
  let isConcatenation: Bool
  /// Output row of each source row, per file.
  let destination: [[Int]]
  /// Running row counts: file f's rows start at output row `fileOffsets[f]` when the rows are a concatenation.
  let fileOffsets: [Int]

  var rowCount: Int { order.count }

  init(_ sources: [any TableSource]) throws {
    var eraLabels: [[String]] = []
    for s in sources { eraLabels.append(try s.strings("era").map(DatasetLoader.normalizeEra)) }
    var order: [(file: Int, row: Int)] = []
    for (f, labels) in eraLabels.enumerated() { for r in labels.indices { order.append((f, r)) } }
    let isConcatenation = order.indices.dropFirst().allSatisfy {
      eraLabels[order[$0 - 1].file][order[$0 - 1].row] <= eraLabels[order[$0].file][order[$0].row]
    }
    if !isConcatenation {
      order.sort { a, b in
        let ea = eraLabels[a.file][a.row]
        let eb = eraLabels[b.file][b.row]
        return ea != eb ? ea < eb : (a.file, a.row) < (b.file, b.row)
      }
    }
    var destination = sources.map { [Int](repeating: 0, count: $0.rowCount) }
    for (d, o) in order.enumerated() { destination[o.file][o.row] = d }
    self.eraLabels = eraLabels
    self.order = order
    self.isConcatenation = isConcatenation
    self.destination = destination
    fileOffsets = sources.reduce(into: [0]) { $0.append($0.last! + $1.rowCount) }
  }

  /// The eras in order and the output rows of each.
  func eras() -> (labels: [String], ranges: [Range<Int>]) {
    var eras: [String] = []
    var ranges: [Range<Int>] = []
    var start = 0
    for d in 0..<rowCount {
      let label = eraLabels[order[d].file][order[d].row]
      if d + 1 == rowCount || eraLabels[order[d + 1].file][order[d + 1].row] != label {
        eras.append(label)
        ranges.append(start..<(d + 1))
        start = d + 1
      }
    }
    return (eras, ranges)
  }
}
