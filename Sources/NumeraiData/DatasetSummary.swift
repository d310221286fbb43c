/// What `signal-miner data info` reports about a dataset: shape, eras, feature sets, targets, columns.
public struct DatasetSummary: Sendable, Codable, Equatable {
  /// Per-era row counts.
  public struct Eras: Sendable, Codable, Equatable {
    public var count: Int
    public var first: String
    public var last: String
    public var rowsPerEraMin: Int
    public var rowsPerEraMedian: Double
    public var rowsPerEraMax: Int
  }

  /// A target's missing labels and mean label.
  public struct Target: Sendable, Codable, Equatable {
    public var nan: Int
    public var mean: Double?
  }

  /// A feature column on the 0…4 scale; `nulls` counts NaN or null values replaced by 2.
  public struct Column: Sendable, Codable, Equatable {
    public var mean: Double
    public var min: Int
    public var max: Int
    public var nulls: Int
  }

  public var rows: Int
  public var eras: Eras
  public var features: Int
  /// Per feature set of features.json: how many of its features the data has.
  public var featureSets: [String: Int]?
  public var targets: [String: Target]
  public var columns: [String: Column]

  /// Summarises a loaded dataset (and, when given, its feature sets).
  ///
  /// - Complexity: O(rows × (features + targets)).
  public init(_ loaded: LoadedDataset, featureSets sets: FeatureSets? = nil) {
    let d = loaded.dataset
    rows = d.rowCount
    let sizes = d.eraRanges.map(\.count).sorted()
    let median =
      sizes.isEmpty ? 0 : sizes.count % 2 == 1 ? Double(sizes[sizes.count / 2])
      : Double(sizes[sizes.count / 2 - 1] + sizes[sizes.count / 2]) / 2
    eras = Eras(
      count: d.eras.count, first: d.eras.first ?? "", last: d.eras.last ?? "", rowsPerEraMin: sizes.first ?? 0,
      rowsPerEraMedian: median, rowsPerEraMax: sizes.last ?? 0)
    features = d.featureCount
    if let sets {
      let present = Set(d.featureNames)
      featureSets = sets.sets.mapValues { $0.filter(present.contains).count }
    }
    var targets: [String: Target] = [:]
    for (t, name) in d.targetNames.enumerated() {
      var nan = 0
      var sum = 0.0
      d.targets.withUnsafeColumn(t) { column in
        for v in column {
          if v.isNaN { nan += 1 } else { sum += Double(v) }
        }
      }
      targets[name] = Target(nan: nan, mean: nan == d.rowCount ? nil : sum / Double(d.rowCount - nan))
    }
    self.targets = targets
    var columns: [String: Column] = [:]
    for (j, name) in d.featureNames.enumerated() {
      var counts = [Int](repeating: 0, count: 256)
      counts.withUnsafeMutableBufferPointer { counts in
        d.features.withUnsafeColumn(j) { column in
          for v in column { counts[Int(UInt8(bitPattern: v))] += 1 }
        }
      }
      var sum = 0
      var low = Int.max
      var high = Int.min
      for (raw, n) in counts.enumerated() where n > 0 {
        let v = Int(Int8(bitPattern: UInt8(raw)))
        sum += v * n
        low = Swift.min(low, v)
        high = Swift.max(high, v)
      }
      columns[name] = Column(
        mean: d.rowCount == 0 ? 0 : Double(sum) / Double(d.rowCount), min: low == .max ? 0 : low,
        max: high == .min ? 0 : high, nulls: loaded.missingFeatureValues[j])
    }
    self.columns = columns
  }
}
