import ArgumentParser
import Foundation
import NumeraiData
import Parquet
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
    let targetIndex = 0
    var (rows, positions) = try match(table, dataset, targetIndex: targetIndex)
    var meta: [Double]?
    if let metaModel {
      let metaTable = try PredictionTable(path: metaModel)
      let values = try metaTable.column(metaColumn)
      let found = try metaTable.positions(of: rows, in: dataset.ids)
      let kept = rows.indices.filter { i in found[i].map { k in !values[k].isNaN } ?? false }
      guard kept.count * 5 >= rows.count * 4 else {
        throw DataError(
          path: metaModel,
          "only \(kept.count) of the \(rows.count) scored ids have a meta-model value; expected at least 80%")
      }
      meta = kept.map { values[found[$0]!] }
      rows = kept.map { rows[$0] }
      positions = kept.map { positions[$0] }
    }
    let featureColumns = data.featureSet == nil ? nil : Array(0..<dataset.featureCount)
    let scoreStart = Date()
    var results: [(name: String, scores: EraScores)] = []
    for (name, values) in table.columns {
      let p = positions.map { values[$0] }
      if let bad = p.firstIndex(where: { !$0.isFinite }) {
        throw DataError(
          path: predictions, column: name, "value \(p[bad]) for id \(table.ids[positions[bad]]); expected a number")
      }
      if let first = p.first, !p.contains(where: { $0 != first }) {
        throw DataError(path: predictions, column: name, "all \(p.count) predictions equal \(first); nothing to score")
      }
      do {
        let scores = try EraEvaluation.evaluate(
          predictions: p, dataset: dataset, rows: rows, target: targetIndex, metaModel: meta,
          featureColumns: featureColumns, threads: data.threads)
        results.append((name, scores))
      } catch let error as ScoringError {
        throw DataError(path: predictions, column: name, error.description)
      }
    }
    Console.log(
      String(
        format: "scored %d rows × %d column(s) in %.3f s (read in %.3f s)", rows.count, results.count,
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
    guard let first = data.paths.first else { throw ValidationError("no data: give at least one --data FILE") }
    let options = DatasetLoadOptions(features: [try firstFeature(first)], targets: [target], threads: data.threads)
    let loaded = try DatasetLoader.load(paths: data.paths, options: options)
    for warning in loaded.warnings { Console.warn(warning) }
    return loaded
  }

  func firstFeature(_ path: String) throws -> String {
    let names: [String]
    if DatasetCache.isCache(path: path) {
      names = try DatasetCache.open(path: path).featureNames
    } else if let file = try? ParquetFile(path: path) {
      names = file.columns.map(\.name)
    } else {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      names = (text.split(whereSeparator: \.isNewline).first ?? "").split(separator: ",").map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
      }
    }
    guard let name = names.first(where: { $0.hasPrefix("feature") }) else {
      throw DataError(path: path, "no feature columns (expected columns named feature_…)")
    }
    return name
  }

  /// Dataset rows with a prediction, in row order, and the prediction index of each; checks the overlap.
  func match(_ table: PredictionTable, _ dataset: Dataset, targetIndex: Int) throws -> ([Int], [Int]) {
    let found = try table.positions(of: Array(0..<dataset.rowCount), in: dataset.ids)
    var rows: [Int] = []
    var positions: [Int] = []
    for (r, k) in found.enumerated() {
      if let k {
        rows.append(r)
        positions.append(k)
      }
    }
    let overlap = Double(rows.count) / Double(max(1, table.ids.count))
    guard overlap >= 0.8 else {
      throw DataError(
        path: predictions,
        "only \(rows.count) of its \(table.ids.count) ids are in the data (\(dataset.rowCount) rows): "
          + String(format: "%.1f%%", overlap * 100) + ", expected at least 80% as numerai-tools requires")
    }
    // Within the eras predicted, most labelled rows must have a prediction too.
    let targets = dataset.targets.columnArray(targetIndex)
    var eraHit = Set<Int>()
    var upper = 0
    var era = 0
    for r in rows {
      while r >= upper {
        upper = dataset.eraRanges[era].upperBound
        era += 1
      }
      eraHit.insert(era - 1)
    }
    let labelled = eraHit.reduce(0) { sum, e in sum + dataset.eraRanges[e].filter { !targets[$0].isNaN }.count }
    let labelledPredicted = rows.filter { !targets[$0].isNaN }.count
    guard labelled == 0 || labelledPredicted * 5 >= labelled * 4 else {
      throw DataError(
        path: predictions,
        "covers only \(labelledPredicted) of the \(labelled) labelled rows in its eras; expected at least 80%")
    }
    guard labelledPredicted > 0 else {
      throw DataError(path: predictions, "none of its rows has a '\(target)' value in the data; nothing to score")
    }
    return (rows, positions)
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
