import Foundation
import Parquet

/// A Numerai-shaped synthetic data set, for the demo, the tests and the benchmarks.
///
/// Features come in correlated groups: each group has a latent factor per row, each feature is a noisy
/// view of its group's factor, binned into quintiles 0…4 within each era (as Numerai's features are).
/// The main target is weak, drifts from era to era and is partly non-linear: a drifting linear mix of the
/// group factors, plus an interaction and a threshold effect, plus noise, binned 5/20/50/20/5 % per era
/// into 0, .25, .5, .75, 1. Further targets share the signal with their own noise and drift. The last
/// `validationEras` eras form the validation file; its last `unlabelledEras` eras have NaN targets (the
/// way Numerai's newest validation eras do). Deterministic for a seed.
public struct SyntheticNumerai: Sendable {
  /// Size and shape of the data set.
  public struct Configuration: Sendable, Equatable {
    /// Total eras, train and validation.
    public var eras = 120
    /// Rows per era.
    public var rowsPerEra = 500
    /// Feature columns.
    public var features = 60
    /// Target columns (`target` first).
    public var targets = 2
    /// Random seed.
    public var seed: UInt64 = 0
    /// Eras at the end that go to the validation file.
    public var validationEras = 30
    /// Validation eras at the very end without targets.
    public var unlabelledEras = 4
    /// Strength of the signal in the target (per-era corr of the true signal ≈ 0.1 × strength).
    public var signalStrength = 1.0

    /// The defaults: 120 eras × 500 rows × 60 features, 2 targets.
    public init(
      eras: Int = 120, rowsPerEra: Int = 500, features: Int = 60, targets: Int = 2, seed: UInt64 = 0,
      validationEras: Int = 30, unlabelledEras: Int = 4
    ) {
      self.eras = eras
      self.rowsPerEra = rowsPerEra
      self.features = features
      self.targets = targets
      self.seed = seed
      self.validationEras = validationEras
      self.unlabelledEras = unlabelledEras
    }

    /// Throws for sizes no data set can have.
    public func validate() throws {
      guard eras >= 2 else { throw DataError("--eras \(eras): expected at least 2") }
      guard rowsPerEra >= 5 else { throw DataError("--rows-per-era \(rowsPerEra): expected at least 5") }
      guard features >= 1, features <= 100_000 else { throw DataError("--features \(features): expected 1…100000") }
      guard targets >= 1, targets <= Self.allTargetNames.count else {
        throw DataError("--targets \(targets): expected 1…\(Self.allTargetNames.count)")
      }
      guard validationEras >= 1, validationEras < eras else {
        throw DataError("validation eras \(validationEras): expected 1…\(eras - 1)")
      }
      guard unlabelledEras >= 0, unlabelledEras < validationEras else {
        throw DataError("unlabelled eras \(unlabelledEras): expected 0…\(validationEras - 1)")
      }
    }

    /// `feature_0000`, `feature_0001`, …
    var featureNames: [String] { (0..<features).map { String(format: "feature_%04d", $0) } }
    /// `target` and the first auxiliary targets.
    var targetNames: [String] { Array(Self.allTargetNames.prefix(targets)) }
    /// Era `e`'s label, numbered from 0001.
    func eraLabel(_ e: Int) -> String { String(format: "%04d", e + 1) }
    /// `small` (a quarter), `medium` (half) and `all` features, and the targets.
    var featureSets: FeatureSets {
      let names = featureNames
      let sets = ["small": Array(names.prefix(max(1, features / 4))), "medium": Array(names.prefix(max(1, features / 2))), "all": names]
      return FeatureSets(sets: sets, targets: targetNames)
    }

    static let allTargetNames = [
      "target", "target_agnes_20", "target_claudia_20", "target_cyrus_20", "target_echo_20", "target_jeremy_20",
      "target_ralph_20", "target_teager_20", "target_victor_20", "target_waldo_20",
    ]
  }

  /// The generated train and validation sets and their features.json.
  public let train: Dataset
  /// Validation eras (the last `unlabelledEras` without targets).
  public let validation: Dataset
  /// Feature sets `small`, `medium`, `all` and the targets.
  public let featureSets: FeatureSets

  /// Generates a data set in memory.
  ///
  /// - Complexity: O(eras × rowsPerEra × features).
  public init(_ c: Configuration) throws {
    try c.validate()
    var generator = Generator(c)
    var ids = RowIDs(seed: c.seed)
    let rows = c.eras * c.rowsPerEra
    var features = [[Int8]](repeating: [], count: c.features)
    var targets = [[Float]](repeating: [], count: c.targets)
    for j in features.indices { features[j].reserveCapacity(rows) }
    for t in targets.indices { targets[t].reserveCapacity(rows) }
    for e in 0..<c.eras {
      let era = generator.era(e)
      for j in features.indices { features[j] += era.features[(j * c.rowsPerEra)..<((j + 1) * c.rowsPerEra)] }
      for t in targets.indices { targets[t] += era.targets[(t * c.rowsPerEra)..<((t + 1) * c.rowsPerEra)] }
    }
    let allIDs = ids.next(rows)
    let split = (c.eras - c.validationEras) * c.rowsPerEra
    func make(_ rowRange: Range<Int>, _ type: String) -> Dataset {
      let eraRange = (rowRange.lowerBound / c.rowsPerEra)..<(rowRange.upperBound / c.rowsPerEra)
      return Dataset(
        ids: StringColumn(allIDs[rowRange]), eras: eraRange.map(c.eraLabel),
        eraRanges: eraRange.map { ($0 * c.rowsPerEra - rowRange.lowerBound)..<(($0 + 1) * c.rowsPerEra - rowRange.lowerBound) },
        featureNames: c.featureNames,
        features: ColumnMajorMatrix(columns: features.map { Array($0[rowRange]) }, rowCount: rowRange.count),
        targetNames: c.targetNames,
        targets: ColumnMajorMatrix(columns: targets.map { Array($0[rowRange]) }, rowCount: rowRange.count),
        dataTypes: StringColumn(repeatElement(type, count: rowRange.count)))
    }
    train = make(0..<split, "train")
    validation = make(split..<rows, "validation")
    featureSets = c.featureSets
  }

  /// Writes the data set of `c` as PREFIX_train.parquet, PREFIX_validation.parquet and PREFIX_features.json
  /// era by era, never holding more than one row group: the files equal, byte for byte, what
  /// `SyntheticNumerai(c).write(prefix:writer:)` writes. Returns their paths.
  ///
  /// - Complexity: O(eras × rowsPerEra × features) time; O(rowGroupRows × features) memory.
  @discardableResult
  public static func write(_ c: Configuration, prefix: String, writer: ParquetWriter = ParquetWriter()) throws -> [String] {
    try c.validate()
    let paths = [prefix + "_train.parquet", prefix + "_validation.parquet", prefix + "_features.json"]
    var generator = Generator(c)
    var ids = RowIDs(seed: c.seed)
    let trainEras = c.eras - c.validationEras
    for (file, eras, type) in [(paths[0], 0..<trainEras, "train"), (paths[1], trainEras..<c.eras, "validation")] {
      var out = try SyntheticFileStream(path: file, configuration: c, dataType: type, writer: writer)
      for e in eras { try out.append(era: e, rows: generator.era(e), ids: ids.next(c.rowsPerEra)) }
      try out.finish()
    }
    try writeFeatureSets(c.featureSets, to: paths[2])
    return paths
  }

  /// One era's generated rows: features (`features × rowsPerEra`, column-major) and targets (`targets ×
  /// rowsPerEra`, NaN in unlabelled eras).
  struct EraRows {
    var features: [Int8]
    var targets: [Float]
  }

  /// The latent model behind the columns, drawn era by era from one random stream (the order of draws is
  /// what makes a seed reproducible).
  private struct Generator {
    let c: Configuration
    var rng: SplitMix64
    /// Feature groups, each with a latent factor per row.
    let groups: Int
    /// Group of each feature and its loading on the group's factor.
    let group: [Int]
    let loading: [Double]
    /// Per target, drifting weights of the group factors.
    var weights: [[Double]]
    /// The current era's factors, row-major (`rowsPerEra × groups`).
    var latent: [Double]
    /// The current era's values before binning, column-major (`max(features, targets) × rowsPerEra`).
    var raw: [Double]

    init(_ c: Configuration) {
      self.c = c
      var rng = SplitMix64(seed: c.seed)
      let groups = max(1, c.features / 8)
      self.groups = groups
      group = (0..<c.features).map { $0 % groups }
      loading = (0..<c.features).map { _ in 0.4 + 0.5 * rng.unit() }
      weights = (0..<c.targets).map { _ in (0..<groups).map { _ in rng.normal() } }
      self.rng = rng
      latent = [Double](repeating: 0, count: c.rowsPerEra * groups)
      raw = [Double](repeating: 0, count: c.rowsPerEra * max(c.features, c.targets))
    }

    /// Era `e`'s rows: its factors, then its features, then its targets.
    mutating func era(_ e: Int) -> EraRows {
      for i in latent.indices { latent[i] = rng.normal() }
      var rows = EraRows(
        features: [Int8](repeating: 0, count: c.features * c.rowsPerEra),
        targets: [Float](repeating: .nan, count: c.targets * c.rowsPerEra))
      drawFeatures(into: &rows.features)
      drawTargets(into: &rows.targets, labelled: e < c.eras - c.unlabelledEras)
      return rows
    }

    /// Each feature: a noisy view of its group's factor, binned into quintiles within the era.
    private mutating func drawFeatures(into features: inout [Int8]) {
      let n = c.rowsPerEra
      for j in 0..<c.features {
        for r in 0..<n {
          raw[j * n + r] = loading[j] * latent[r * groups + group[j]] + (1 - loading[j]) * rng.normal()
        }
      }
      let bins = SyntheticNumerai.binColumns(raw, columns: c.features, rows: n, cuts: [0.2, 0.4, 0.6, 0.8])
      for i in bins.indices { features[i] = Int8(bins[i]) }
    }

    /// Each target: drifting linear mix of the factors plus an interaction, a threshold and noise, binned
    /// 5/20/50/20/5 %; unlabelled eras draw the same values but keep NaN.
    private mutating func drawTargets(into targets: inout [Float], labelled: Bool) {
      let n = c.rowsPerEra
      for t in 0..<c.targets {
        // Weights drift as a slow random walk; target t shares target 0's signal with its own twist.
        for g in 0..<groups { weights[t][g] = 0.97 * weights[t][g] + 0.25 * rng.normal() }
        for r in 0..<n {
          let z = latent[(r * groups)..<((r + 1) * groups)]
          var signal = 0.0
          for g in 0..<groups { signal += weights[t][g] * z[z.startIndex + g] }
          signal /= Double(groups).squareRoot()
          let interaction = z[z.startIndex] * z[z.startIndex + min(1, groups - 1)]
          let threshold = z[z.startIndex + min(2, groups - 1)] > 0.5 ? 1.0 : 0.0
          raw[t * n + r] = 0.1 * c.signalStrength * (signal + 0.7 * interaction + 0.8 * threshold) + rng.normal()
        }
      }
      guard labelled else { return }
      let bins = SyntheticNumerai.binColumns(raw, columns: c.targets, rows: n, cuts: [0.05, 0.25, 0.75, 0.95])
      for i in bins.indices { targets[i] = Float(bins[i]) / 4 }
    }
  }

  /// Row ids ("n" and hex digits), drawn from their own stream so they do not depend on the columns.
  private struct RowIDs {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed ^ 0x1D5) }

    mutating func next(_ count: Int) -> [String] {
      (0..<count).map { _ in "n" + String(rng.next() >> 4, radix: 16, uppercase: false) }
    }
  }

  /// Writes PREFIX_train.parquet, PREFIX_validation.parquet and PREFIX_features.json; returns their paths.
  @discardableResult
  public func write(prefix: String, writer: ParquetWriter = ParquetWriter()) throws -> [String] {
    let paths = [prefix + "_train.parquet", prefix + "_validation.parquet", prefix + "_features.json"]
    try Self.writeParquet(train, to: paths[0], writer: writer)
    try Self.writeParquet(validation, to: paths[1], writer: writer)
    try Self.writeFeatureSets(featureSets, to: paths[2])
    return paths
  }

  private static func writeFeatureSets(_ sets: FeatureSets, to path: String) throws {
    do { try sets.jsonData().write(to: URL(fileURLWithPath: path)) } catch {
      throw DataError(path: path, "cannot write the file (\(error.localizedDescription))")
    }
  }

  /// Writes a dataset with Numerai's columns: era, data_type, features, targets, then id (pandas' index).
  /// `extra` columns (e.g. `features apply --keep-float`'s) go after the targets, before `id`.
  public static func writeParquet(
    _ d: Dataset, to path: String, extra: [ParquetWriteColumn] = [], writer: ParquetWriter = ParquetWriter()
  ) throws {
    var columns = numeraiColumns(
      eras: d.eraRanges.enumerated().flatMap { e, r in Array(repeating: d.eras[e], count: r.count) },
      dataTypes: d.dataTypes.map(Array.init), featureNames: d.featureNames,
      features: d.featureNames.indices.map(d.features.columnArray), targetNames: d.targetNames,
      targets: d.targetNames.indices.map(d.targets.columnArray), ids: Array(d.ids))
    columns.insert(contentsOf: extra, at: columns.count - 1)
    try writer.write(columns, rowCount: d.rowCount, to: path, metadata: ["pandas": pandasMetadata(columns)])
  }

  /// Numerai's column order: era, data_type, features, targets, then id.
  static func numeraiColumns(
    eras: [String], dataTypes: [String]?, featureNames: [String], features: [[Int8]], targetNames: [String],
    targets: [[Float]], ids: [String]
  ) -> [ParquetWriteColumn] {
    var columns: [ParquetWriteColumn] = [.string("era", eras)]
    if let dataTypes { columns.append(.string("data_type", dataTypes)) }
    for (name, values) in zip(featureNames, features) { columns.append(.int8(name, values)) }
    for (name, values) in zip(targetNames, targets) { columns.append(.float(name, values)) }
    columns.append(.string("id", ids))
    return columns
  }

  /// pandas' schema note, so `pd.read_parquet` restores `id` as the index and the dtypes.
  static func pandasMetadata(_ columns: [ParquetWriteColumn]) -> String {
    func describe(_ c: ParquetWriteColumn) -> [String: Any] {
      let (pandas, numpy): (String, String)
      switch c {
      case .string: (pandas, numpy) = ("unicode", "object")
      case .int8: (pandas, numpy) = ("int8", "int8")
      case .int32: (pandas, numpy) = ("int32", "int32")
      case .int64: (pandas, numpy) = ("int64", "int64")
      case .float: (pandas, numpy) = ("float32", "float32")
      case .double: (pandas, numpy) = ("float64", "float64")
      }
      return ["name": c.name, "field_name": c.name, "pandas_type": pandas, "numpy_type": numpy, "metadata": NSNull()]
    }
    let object: [String: Any] = [
      "index_columns": ["id"],
      "column_indexes": [
        ["name": NSNull(), "field_name": NSNull(), "pandas_type": "unicode", "numpy_type": "object",
         "metadata": ["encoding": "UTF-8"]]
      ],
      "columns": columns.map(describe), "creator": ["library": "SignalMiner", "version": "0.1.0"],
      "pandas_version": "2.2.0",
    ]
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// The bin of every value of the first `columns` column-major columns of `rows` values: the number of `cuts`
  /// (fractions) that its rank position (rank + ½) / rows, ranked within its column, passes. The columns are
  /// shared among the cores.
  // PERFORMANCE: `data synth` at full size bins 15 G values here.
  private static func binColumns(_ values: [Double], columns: Int, rows: Int, cuts: [Double]) -> [UInt8] {
    // The first rank whose position passes each cut: a value's bin is how many of these ranks' values are ≤ it.
    let n = Double(rows)
    let firstRanks = cuts.map { cut in (0..<rows).first { (Double($0) + 0.5) / n > cut } ?? rows }
    var bins = [UInt8](repeating: 0, count: columns * rows)
    let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, columns))
    values.withUnsafeBufferPointer { values in
      bins.withUnsafeMutableBufferPointer { bins in
        nonisolated(unsafe) let (values, bins) = (values, bins)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
          for column in stride(from: t, to: columns, by: threads) {
            let x = values[(column * rows)..<((column + 1) * rows)]
            let sorted = x.sorted()
            let thresholds = firstRanks.map { $0 < rows ? sorted[$0] : .infinity }
            for (r, v) in zip(0..., x) {
              var bin: UInt8 = 0
              for threshold in thresholds where v >= threshold { bin += 1 }
              bins[column * rows + r] = bin
            }
          }
        }
      }
    }
    return bins
  }
}

/// One synthetic Parquet file written era by era: rows are buffered until a row group is full.
private struct SyntheticFileStream {
  let c: SyntheticNumerai.Configuration
  let dataType: String
  let rowGroupRows: Int
  let stream: ParquetStreamWriter
  var eras: [String] = []
  var features: [[Int8]]
  var targets: [[Float]]
  var ids: [String] = []
  /// The columns' names and kinds, for pandas' metadata.
  var schema: [ParquetWriteColumn] = []

  init(path: String, configuration c: SyntheticNumerai.Configuration, dataType: String, writer: ParquetWriter) throws {
    self.c = c
    self.dataType = dataType
    rowGroupRows = writer.rowGroupRows
    stream = try ParquetStreamWriter(path: path, writer: writer)
    features = Array(repeating: [], count: c.features)
    targets = Array(repeating: [], count: c.targets)
  }

  /// Buffers era `e`'s rows and writes every full row group.
  mutating func append(era e: Int, rows: SyntheticNumerai.EraRows, ids eraIDs: [String]) throws {
    let n = c.rowsPerEra
    eras += repeatElement(c.eraLabel(e), count: n)
    for j in features.indices { features[j] += rows.features[(j * n)..<((j + 1) * n)] }
    for t in targets.indices { targets[t] += rows.targets[(t * n)..<((t + 1) * n)] }
    ids += eraIDs
    while ids.count >= rowGroupRows { try flush(rowGroupRows) }
  }

  /// Writes what is left and the footer.
  mutating func finish() throws {
    if !ids.isEmpty { try flush(ids.count) }
    try stream.finish(metadata: ["pandas": SyntheticNumerai.pandasMetadata(schema)])
  }

  /// Writes the first `count` buffered rows as one row group.
  private mutating func flush(_ count: Int) throws {
    let columns = SyntheticNumerai.numeraiColumns(
      eras: Array(eras.prefix(count)), dataTypes: Array(repeating: dataType, count: count),
      featureNames: c.featureNames, features: features.map { Array($0.prefix(count)) }, targetNames: c.targetNames,
      targets: targets.map { Array($0.prefix(count)) }, ids: Array(ids.prefix(count)))
    try stream.append(columns, rowCount: count)
    schema = columns.map(\.withoutValues)
    eras.removeFirst(count)
    for j in features.indices { features[j].removeFirst(count) }
    for t in targets.indices { targets[t].removeFirst(count) }
    ids.removeFirst(count)
  }
}
