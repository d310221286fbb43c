import Boosting
import Foundation
import Scoring

/// What a study was created with; it never changes after.
public struct StudyLayout: Sendable, Equatable {
  public var fingerprint: StudyFingerprint
  /// The CV splits.
  public var splits: [EraSplit]
  /// Each split's test eras, ids and scoring labels.
  public var splitTargets: [SplitTargets]
  /// The benchmark's full parameters (every trial's base).
  public var benchmarkParameters: BoostingParameters
  /// The target every trial is scored against (the benchmark's).
  public var scoringTarget: String
  /// The labelled eras kept out of every split, reward, fit and ranking (`Study.holdout` opens them).
  public var sealedEras: [String]
  /// The data files the study was created from, as absolute paths (empty in studies made before they were kept).
  public var dataPaths: [String]

  public init(
    fingerprint: StudyFingerprint, splits: [EraSplit], splitTargets: [SplitTargets],
    benchmarkParameters: BoostingParameters, scoringTarget: String, sealedEras: [String] = [], dataPaths: [String] = []
  ) {
    self.sealedEras = sealedEras
    self.dataPaths = dataPaths
    self.fingerprint = fingerprint
    self.splits = splits
    self.splitTargets = splitTargets
    self.benchmarkParameters = benchmarkParameters
    self.scoringTarget = scoringTarget
  }
}

/// What a study was created on; opening the study with other data is refused.
public struct StudyFingerprint: Sendable, Codable, Equatable {
  public var files: [String]
  public var rows: Int
  public var eras: Int
  public var features: [String]

  public init(files: [String], rows: Int, eras: Int, features: [String]) {
    self.files = files
    self.rows = rows
    self.eras = eras
    self.features = features
  }
}

/// One split's test rows as the study keeps them, so results need no data files: the eras in order, their row
/// counts, and (in the study's blob table) the rows' ids and the scoring target's labels.
public struct SplitTargets: Sendable, Codable, Equatable {
  public var eras: [String]
  public var rowsPerEra: [Int]
  /// The test rows' labels for the scoring target (NaN unlabelled); stored as a Float32 blob.
  public var labels: [Float]
  /// The test rows' ids (to match a meta model's); stored as newline-separated UTF-8. Empty in studies made
  /// before ids were kept.
  public var ids: [String]

  public init(eras: [String], rowsPerEra: [Int], labels: [Float], ids: [String]) {
    self.eras = eras
    self.rowsPerEra = rowsPerEra
    self.labels = labels
    self.ids = ids
  }

  enum CodingKeys: String, CodingKey { case eras, rowsPerEra }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    eras = try c.decode([String].self, forKey: .eras)
    rowsPerEra = try c.decode([Int].self, forKey: .rowsPerEra)
    labels = []
    ids = []
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(eras, forKey: .eras)
    try c.encode(rowsPerEra, forKey: .rowsPerEra)
  }
}
