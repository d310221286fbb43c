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
      guard targets >= 1, targets <= Self.targetNames.count else {
        throw DataError("--targets \(targets): expected 1…\(Self.targetNames.count)")
      }
      guard validationEras >= 1, validationEras < eras else {
        throw DataError("validation eras \(validationEras): expected 1…\(eras - 1)")
      }
      guard unlabelledEras >= 0, unlabelledEras < validationEras else {
        throw DataError("unlabelled eras \(unlabelledEras): expected 0…\(validationEras - 1)")
      }
    }

    static let targetNames = [
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

  /// Generates a data set.
  ///
  /// - Complexity: O(eras × rowsPerEra × features).
  public init(_ c: Configuration) throws {
    try c.validate()
    var generator = Generator(c)
    for e in 0..<c.eras {
      generator.drawLatentFactors()
      generator.drawFeatures(era: e)
      generator.drawTargets(era: e, labelled: e < c.eras - c.unlabelledEras)
    }
    let rows = c.eras * c.rowsPerEra
    let featureNames = (0..<c.features).map { String(format: "feature_%04d", $0) }
    let targetNames = Array(Configuration.targetNames.prefix(c.targets))
    let eraLabels = (0..<c.eras).map { String(format: "%04d", $0 + 1) }
    var hex = SplitMix64(seed: c.seed ^ 0x1D5)
    let ids = (0..<rows).map { _ in "n" + String(hex.next() >> 4, radix: 16, uppercase: false) }
    let split = (c.eras - c.validationEras) * c.rowsPerEra
    func make(_ rowRange: Range<Int>, _ type: String) -> Dataset {
      let eraRange = (rowRange.lowerBound / c.rowsPerEra)..<(rowRange.upperBound / c.rowsPerEra)
      return Dataset(
        ids: StringColumn(ids[rowRange]), eras: Array(eraLabels[eraRange]),
        eraRanges: eraRange.map { ($0 * c.rowsPerEra - rowRange.lowerBound)..<(($0 + 1) * c.rowsPerEra - rowRange.lowerBound) },
        featureNames: featureNames,
        features: ColumnMajorMatrix(columns: generator.features.map { Array($0[rowRange]) }, rowCount: rowRange.count),
        targetNames: targetNames,
        targets: ColumnMajorMatrix(columns: generator.targets.map { Array($0[rowRange]) }, rowCount: rowRange.count),
        dataTypes: StringColumn(repeatElement(type, count: rowRange.count)))
    }
    train = make(0..<split, "train")
    validation = make(split..<rows, "validation")
    let small = Array(featureNames.prefix(max(1, c.features / 4)))
    let medium = Array(featureNames.prefix(max(1, c.features / 2)))
    featureSets = FeatureSets(sets: ["small": small, "medium": medium, "all": featureNames], targets: targetNames)
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
    /// One column of the current era before binning.
    var raw: [Double]
    var features: [[Int8]]
    var targets: [[Float]]

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
      raw = [Double](repeating: 0, count: c.rowsPerEra)
      let rows = c.eras * c.rowsPerEra
      features = [[Int8]](repeating: [Int8](repeating: 0, count: rows), count: c.features)
      targets = [[Float]](repeating: [Float](repeating: .nan, count: rows), count: c.targets)
    }

    mutating func drawLatentFactors() {
      for i in latent.indices { latent[i] = rng.normal() }
    }

    /// Each feature: a noisy view of its group's factor, binned into quintiles within the era.
    mutating func drawFeatures(era e: Int) {
      let base = e * c.rowsPerEra
      for j in 0..<c.features {
        for r in 0..<c.rowsPerEra {
          raw[r] = loading[j] * latent[r * groups + group[j]] + (1 - loading[j]) * rng.normal()
        }
        SyntheticNumerai.binned(raw, cuts: [0.2, 0.4, 0.6, 0.8]) { r, bin in features[j][base + r] = Int8(bin) }
      }
    }

    /// Each target: drifting linear mix of the factors plus an interaction, a threshold and noise, binned
    /// 5/20/50/20/5 %; unlabelled eras draw the same values but keep NaN.
    mutating func drawTargets(era e: Int, labelled: Bool) {
      let base = e * c.rowsPerEra
      for t in 0..<c.targets {
        // Weights drift as a slow random walk; target t shares target 0's signal with its own twist.
        for g in 0..<groups { weights[t][g] = 0.97 * weights[t][g] + 0.25 * rng.normal() }
        for r in 0..<c.rowsPerEra {
          let z = latent[(r * groups)..<((r + 1) * groups)]
          var signal = 0.0
          for g in 0..<groups { signal += weights[t][g] * z[z.startIndex + g] }
          signal /= Double(groups).squareRoot()
          let interaction = z[z.startIndex] * z[z.startIndex + min(1, groups - 1)]
          let threshold = z[z.startIndex + min(2, groups - 1)] > 0.5 ? 1.0 : 0.0
          raw[r] = 0.1 * c.signalStrength * (signal + 0.7 * interaction + 0.8 * threshold) + rng.normal()
        }
        guard labelled else { continue }
        SyntheticNumerai.binned(raw, cuts: [0.05, 0.25, 0.75, 0.95]) { r, bin in targets[t][base + r] = Float(bin) / 4 }
      }
    }
  }

  /// Writes PREFIX_train.parquet, PREFIX_validation.parquet and PREFIX_features.json; returns their paths.
  @discardableResult
  public func write(prefix: String, writer: ParquetWriter = ParquetWriter()) throws -> [String] {
    let paths = [prefix + "_train.parquet", prefix + "_validation.parquet", prefix + "_features.json"]
    try Self.writeParquet(train, to: paths[0], writer: writer)
    try Self.writeParquet(validation, to: paths[1], writer: writer)
    do { try featureSets.jsonData().write(to: URL(fileURLWithPath: paths[2])) } catch {
      throw DataError(path: paths[2], "cannot write the file (\(error.localizedDescription))")
    }
    return paths
  }

  /// Writes a dataset with Numerai's columns: era, data_type, features, targets, then id (pandas' index).
  public static func writeParquet(_ d: Dataset, to path: String, writer: ParquetWriter = ParquetWriter()) throws {
    var columns: [ParquetWriteColumn] = [
      .string("era", d.eraRanges.enumerated().flatMap { e, r in Array(repeating: d.eras[e], count: r.count) })
    ]
    if let types = d.dataTypes { columns.append(.string("data_type", Array(types))) }
    for (j, name) in d.featureNames.enumerated() { columns.append(.int8(name, d.features.columnArray(j))) }
    for (t, name) in d.targetNames.enumerated() { columns.append(.float(name, d.targets.columnArray(t))) }
    columns.append(.string("id", Array(d.ids)))
    try writer.write(columns, rowCount: d.rowCount, to: path, metadata: ["pandas": pandasMetadata(columns)])
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

  /// Calls `assign(row, bin)` with the bin of each value: its rank's position among `cuts` (fractions).
  private static func binned(_ values: [Double], cuts: [Double], assign: (Int, Int) -> Void) {
    let order = values.indices.sorted { values[$0] < values[$1] }
    let n = Double(values.count)
    for (rank, row) in order.enumerated() {
      let position = (Double(rank) + 0.5) / n
      var bin = 0
      while bin < cuts.count, position > cuts[bin] { bin += 1 }
      assign(row, bin)
    }
  }
}
