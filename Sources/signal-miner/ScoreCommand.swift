import ArgumentParser
import Foundation
import NumeraiData
import Scoring

/// `signal-miner score`: Numerai's per-era metrics for a predictions file, exactly as numerai-tools computes them.
struct ScoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score predictions per era: numerai_corr, Pearson, MMC (with --meta-model), FNC and max feature exposure "
      + "(with --feature-set).")

  @Option(help: "Predictions: CSV or Parquet with an 'id' column and one or more prediction columns (each is scored).")
  var predictions: String

  @OptionGroup var data: DataOptions

  @Option(help: "The target column to score against.")
  var target = "target"

  @Option(name: .customLong("meta-model"), help: "Meta-model (or benchmark) predictions by id, for MMC/BMC.")
  var metaModel: String?

  @Option(name: .customLong("meta-column"), help: "The meta-model column (default numerai_meta_model or the only one).")
  var metaColumn: String?

  @Option(name: .customLong("last-eras"), help: "Also summarise the last N eras.")
  var lastEras: Int?

  @Flag(help: "One JSON object on stdout.")
  var json = false

  func validate() throws {
    if metaColumn != nil && metaModel == nil { throw ValidationError("--meta-column needs --meta-model") }
    if let lastEras, lastEras < 1 { throw ValidationError("--last-eras \(lastEras): expected at least 1") }
  }

  func run() async throws {
    let start = Date()
    let table = try PredictionTable(path: predictions)
    let loaded = try loadData()
    let dataset = loaded.dataset
    let loadSeconds = Date().timeIntervalSince(start)
    var match = try PredictionMatch(table, dataset: dataset, target: 0)
    if let metaModel {
      try match.attachMetaModel(try PredictionTable(path: metaModel), column: metaColumn, ids: dataset.ids)
    }
    let featureColumns = data.featureSet == nil ? nil : Array(0..<dataset.featureCount)
    let scoreStart = Date()
    var results: [(name: String, scores: EraScores)] = []
    for (name, values) in table.columns {
      do {
        let scores = try EraEvaluation.evaluate(
          predictions: try match.predictions(name, values: values), dataset: dataset, rows: match.rows, target: 0,
          metaModel: match.metaModel, featureColumns: featureColumns, threads: data.threads)
        results.append((name, scores))
      } catch let error as ScoringError {
        throw DataError(path: predictions, column: name, error.description)
      }
    }
    Console.log(
      String(
        format: "scored %d rows × %d column(s) in %.3f s (read in %.3f s)", match.rows.count, results.count,
        Date().timeIntervalSince(scoreStart), loadSeconds))
    if json {
      let objects = results.map { jsonObject($0.scores) }
      let object: [String: Any] =
        results.count == 1 ? objects[0] : Dictionary(uniqueKeysWithValues: zip(results.map(\.name), objects))
      let out = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: out, as: UTF8.self))
    } else {
      for (name, scores) in results { printTable(name: name, scores) }
    }
  }

  // MARK: - Input

  /// Loads the data with the one target; without a feature set only the first feature column (FNC is off).
  func loadData() throws -> LoadedDataset {
    if data.featureSet != nil { return try data.load(targets: [target]) }
    guard !data.paths.isEmpty else { throw ValidationError("no data: give at least one --data FILE") }
    let first = try DatasetLoader.featureNames(paths: data.paths)[0]
    let loaded = try DatasetLoader.load(paths: data.paths, options: DatasetLoadOptions(features: [first], targets: [target], threads: data.threads))
    for warning in loaded.warnings { Console.warn(warning) }
    return loaded
  }

  // MARK: - Output

  func jsonObject(_ scores: EraScores) -> [String: Any] {
    func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
    var perEra: [String: Any] = [:]
    for (e, era) in scores.eras.enumerated() {
      var entry: [String: Any] = [:]
      for (name, values) in scores.metrics { entry[name] = number(values[e]) }
      perEra[era] = entry
    }
    func summary(_ rollUps: [String: RollUp]) -> [String: Any] {
      rollUps.mapValues { r in
        [
          "mean": number(r.mean), "std": number(r.std), "sharpe": number(r.sharpe),
          "max_drawdown": number(r.maxDrawdown),
        ]
      }
    }
    var object: [String: Any] = ["per_era": perEra, "summary": summary(scores.summary())]
    if let lastEras { object["summary_last_\(lastEras)"] = summary(scores.summary(lastEras: lastEras)) }
    return object
  }

  func printTable(name: String, _ scores: EraScores) {
    let metrics = scores.metrics
    func cell(_ x: Double) -> String { x.isFinite ? String(format: "%14.6f", x) : padded("nan") }
    func padded(_ s: String) -> String { String(repeating: " ", count: max(0, 14 - s.count)) + s }
    func label(_ s: String) -> String { s.padding(toLength: 16, withPad: " ", startingAt: 0) }
    print("\(name): \(scores.eras.count) eras")
    print(label("era") + metrics.map { padded($0.name) }.joined())
    for (e, era) in scores.eras.enumerated() {
      print(label(era) + metrics.map { cell($0.values[e]) }.joined())
    }
    var sections: [(String, [String: RollUp])] = [("all eras", scores.summary())]
    if let lastEras { sections.append(("last \(lastEras) eras", scores.summary(lastEras: lastEras))) }
    for (title, rollUps) in sections {
      print("\nsummary, \(title)")
      print(label("metric") + ["mean", "std", "sharpe", "max_drawdown"].map(padded).joined())
      for (metric, _) in metrics {
        let r = rollUps[metric]!
        print(label(metric) + [r.mean, r.std, r.sharpe, r.maxDrawdown].map(cell).joined())
      }
    }
    print("")
  }
}
