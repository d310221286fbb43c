import Features
import Foundation
import NumeraiData
import Scoring

/// An exported ensemble: models refit on all labelled rows (or as trained on the study's last fold), combined by
/// rank-averaging.
///
/// On disk: `ensemble.json` (the recipe, each member's trial, engine, target, configuration, feature stage
/// and files; the feature names), each model in its engine's files (`model-<trial>.smm` and LightGBM's
/// `model-<trial>.txt` for the GBDT), each feature stage once (`features-<spec>.json`), which `predict`
/// re-applies before the models see the data, and the stages the study's data had appended (`--transform`,
/// `appended-<n>.smt`), which `predict` appends to live data first.
public struct Ensemble: Sendable, Codable {
  /// One model of the ensemble.
  public struct Member: Sendable, Codable {
    public var trial: Int
    public var file: String
    public var lightGBMFile: String
    public var target: String
    public var configuration: [String: Double]
    /// The engine that trained it (`gbdt` in ensembles written before engines were recorded).
    public var engine: String?
    /// Its feature stage's spec (`raw` when absent).
    public var features: String?
    /// The saved feature stage, beside `ensemble.json` (absent in ensembles written before stages existed).
    public var featuresFile: String?
  }

  public var members: [Member]
  public var featureNames: [String]
  /// The files of the stages appended to the data before the models saw it, in order (absent: none).
  public var appendedStages: [String]?
  /// How predictions combine: each model's predictions are tie-kept ranked within each era
  /// ((rank − 0.5) / n), then averaged across models.
  public var recipe = "rank-average per era"

  /// Loads `DIR/ensemble.json`, its models and its feature stages.
  public static func load(directory: String) throws -> LoadedEnsemble {
    let path = directory + "/ensemble.json"
    let ensemble: Ensemble
    do { ensemble = try JSONDecoder().decode(Ensemble.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
      throw MiningError("\(path): not an exported ensemble (\(error.localizedDescription))")
    }
    let members = try ensemble.members.map { member in
      let trainer = try ModelTrainers.trainer(member.engine ?? GBDTModelTrainer.engineName)
      let name = String(member.file.prefix { $0 != "." })
      return LoadedEnsemble.LoadedMember(
        model: try trainer.load(directory: directory, name: name), stage: try stage(of: member, in: directory, ensemble: ensemble))
    }
    let appended = try (ensemble.appendedStages ?? []).map { file in
      let path = directory + "/" + file
      guard let data = FileManager.default.contents(atPath: path) else { throw MiningError("\(path): missing (named by ensemble.json)") }
      return try FeatureTransforms.load(data, source: path)
    }
    return LoadedEnsemble(ensemble: ensemble, appended: AppendedStages(appended), members: members)
  }

  /// Saves `stages` into `directory` as `appended-1.smt`…; returns their file names.
  static func writeAppendedStages(_ stages: AppendedStages, into directory: String) throws -> [String] {
    try stages.stages.enumerated().map { n, stage in
      let file = "appended-\(n + 1).smt"
      try stage.encoded().write(to: URL(fileURLWithPath: directory + "/" + file), options: .atomic)
      return file
    }
  }

  private static func stage(of member: Member, in directory: String, ensemble: Ensemble) throws -> any FeatureTransform {
    guard let file = member.featuresFile else { return IdentityTransform(inputNames: ensemble.featureNames) }
    let path = directory + "/" + file
    guard let data = FileManager.default.contents(atPath: path) else { throw MiningError("\(path): missing (named by ensemble.json)") }
    return try FeatureTransforms.load(data, source: path)
  }

  /// The file a feature stage is saved in.
  static func featuresFile(_ spec: String) -> String {
    "features-" + String(spec.map { $0.isLetter || $0.isNumber ? $0 : "_" }) + ".json"
  }

  /// Writes `ensemble.json` into `directory` (atomically).
  func write(into directory: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/ensemble.json"), options: .atomic)
  }
}

/// An ensemble read back from disk, ready to predict.
public struct LoadedEnsemble: Sendable {
  struct LoadedMember: Sendable {
    var model: any TrainedModel
    var stage: any FeatureTransform
  }

  public let ensemble: Ensemble
  /// The stages appended to the data before any member sees it.
  public let appended: AppendedStages
  let members: [LoadedMember]

  /// A short description for logs, e.g. `2 models (4000 trees)`.
  public var summary: String { "\(members.count) models (\(members.map(\.model.summary).joined(separator: ", ")))" }

  /// Rank-averaged predictions for every row of `dataset`: in (0, 1), one per row, never NaN. The appended
  /// stages' features are added first (unless the data has them); each member sees the data through its own
  /// feature stage.
  public func predict(_ dataset: Dataset, threads: Int) throws -> [Double] {
    let dataset = try appended.apply(to: dataset)
    var combined = [Double](repeating: 0, count: dataset.rowCount)
    for member in members {
      let raw = try member.model.predict(try member.stage.apply(to: dataset), threads: threads)
      for range in dataset.eraRanges {
        let ranks = NumeraiMetrics.tieKeptRank(Array(raw[range]))
        for (k, r) in range.enumerated() { combined[r] += ranks[k] / Double(members.count) }
      }
    }
    return combined
  }
}
