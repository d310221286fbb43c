import ArgumentParser
import Foundation
import NumeraiData
import Scoring

/// `signal-miner score`: Numerai's metrics for a predictions file, era by era.
struct ScoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score predictions era by era with Numerai's metrics (numerai_corr, Pearson, MMC, FNC, exposure).")

  @Option(help: "Predictions: CSV or Parquet with id and one or more prediction columns.") var predictions: String
  @OptionGroup var data: DataOptions
  @Option(help: "The target to score against (default: target).") var target: String?
  @Option(name: .customLong("meta-model"), help: "Meta model (or benchmark) predictions for MMC / BMC.") var metaModel: String?
  @Option(name: .customLong("meta-column"), help: "The meta model file's column (default: its only one).") var metaColumn: String?
  @Option(name: .customLong("last"), help: "Also summarise the last N eras.") var last: Int?
  @Flag(help: "One JSON object on stdout.") var json = false

  func run() async throws {
    let loaded = try data.load()
    let dataset = loaded.dataset
    let targetName = target ?? (dataset.targetNames.contains("target") ? "target" : dataset.targetNames.first ?? "target")
    guard let targetIndex = dataset.targetIndex(named: targetName) else {
      throw ScoringError(
        "the data has no target '\(targetName)', expected one of: \(dataset.targetNames.joined(separator: ", "))")
    }
    let table = try PredictionTable(path: predictions)
    let aligned = try PredictionAlignment.align(ids: table.ids, columns: table.columns, to: dataset)
    var meta: [Double]? = nil
    if let metaModel {
      let metaTable = try PredictionTable(path: metaModel, columns: metaColumn.map { [$0] })
      guard metaTable.columns.count == 1 else {
        throw ScoringError(
          "\(metaModel) has columns \(metaTable.columns.map(\.name).joined(separator: ", ")); pick one with --meta-column")
      }
      let values = metaTable.columns[0].values
      if metaTable.ids == table.ids {
        meta = aligned.positions.map { values[$0] }
      } else {
        var byID: [String: Double] = [:]
        for (i, id) in metaTable.ids.enumerated() { byID[id] = values[i] }
        meta = aligned.rows.map { byID[dataset.ids[$0]] ?? .nan }
      }
    }
    let features: [Int]? = data.featureSet == nil ? nil : Array(0..<dataset.featureCount)
    var results: [(String, EraScores)] = []
    for column in aligned.columns {
      let scores = try EraEvaluation.evaluate(
        predictions: column.values, dataset: dataset, rows: aligned.rows, target: targetIndex, metaModel: meta,
        featureColumns: features, threads: data.threads)
      guard !scores.eras.isEmpty else {
        throw ScoringError("no era of the predictions has labelled rows for target '\(targetName)'")
      }
      results.append((column.name, scores))
    }
    if json {
      let objects = results.map { Self.jsonObject($0.1, last: last) }
      let object: Any =
        objects.count == 1 ? objects[0] : Dictionary(uniqueKeysWithValues: zip(results.map(\.0), objects))
      let out = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: out, as: UTF8.self))
    } else {
      for (name, scores) in results { Self.printTable(name, scores, last: last) }
    }
  }

  /// The metric series present for these scores, in display order.
  static func series(_ s: EraScores) -> [(String, [Double])] {
    var out = [("corr", s.corr), ("pearson", s.pearson)]
    if let m = s.mmc { out.append(("mmc", m)) }
    if let f = s.fnc { out.append(("fnc", f)) }
    if let x = s.maxExposure { out.append(("max_exposure", x)) }
    return out
  }

  static func jsonObject(_ s: EraScores, last: Int?) -> [String: Any] {
    let metrics = series(s)
    var perEra: [String: [String: Double]] = [:]
    for (k, era) in s.eras.enumerated() {
      perEra[era] = Dictionary(uniqueKeysWithValues: metrics.map { ($0.0, $0.1[k]) })
    }
    func summary(_ r: RollUp) -> [String: Double] {
      ["mean": r.mean, "std": r.std, "sharpe": r.sharpe, "max_drawdown": r.maxDrawdown]
    }
    var object: [String: Any] = [
      "per_era": perEra, "summary": Dictionary(uniqueKeysWithValues: metrics.map { ($0.0, summary(RollUp($0.1))) }),
    ]
    if let last {
      object["summary_last_\(last)"] = Dictionary(
        uniqueKeysWithValues: metrics.map { ($0.0, summary(RollUp($0.1, last: last))) })
    }
    return object
  }

  static func printTable(_ name: String, _ s: EraScores, last: Int?) {
    let metrics = series(s)
    print("predictions: \(name)")
    print(("era".padding(toLength: 14, withPad: " ", startingAt: 0)) + metrics.map { $0.0.leftPadded(13) }.joined())
    for (k, era) in s.eras.enumerated() {
      print(era.padding(toLength: 14, withPad: " ", startingAt: 0) + metrics.map { String(format: "%.5f", $0.1[k]).leftPadded(13) }.joined())
    }
    func block(_ title: String, _ count: Int?) {
      print(title)
      for stat in ["mean", "std", "sharpe", "max_drawdown"] {
        let values = metrics.map { metric -> String in
          let r = count.map { RollUp(metric.1, last: $0) } ?? RollUp(metric.1)
          let v = stat == "mean" ? r.mean : stat == "std" ? r.std : stat == "sharpe" ? r.sharpe : r.maxDrawdown
          return String(format: "%.5f", v).leftPadded(13)
        }
        print(stat.padding(toLength: 14, withPad: " ", startingAt: 0) + values.joined())
      }
    }
    block("summary over \(s.eras.count) eras", nil)
    if let last { block("summary over the last \(min(last, s.eras.count)) eras", last) }
  }
}

extension String {
  /// The string right-aligned in `width` columns.
  func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
