import ArgumentParser
import Features
import Foundation
import Mining
import NumeraiData
import Report
import Scoring

/// `signal-miner lab`: seed 002's experiments — the example model on the data's features against the same model
/// with each fitted stage's features added or each augmentation's rows added to every fit's training rows, same
/// era CV, scored on validation, test and sealed eras.
struct LabCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lab",
    abstract: "Compare the baseline model with baseline + each --transform's features or --augment's training rows on validation, test and sealed eras.")

  @OptionGroup var data: DataOptions
  @Option(
    help: "Training rows to add to every fit (repeatable): cutout:FRACTION:COPIES, noise:SIGMA:COPIES, rowavg:COPIES, synthetic:ERAS[:COMPONENTS[:RIDGE]].")
  var augment: [String] = []
  @Option(help: "The model: example, deep, or name=value,… over the example.") var benchmark = "example"
  @Option(help: "TimeSeriesSplit n_splits over the open eras (the first split's test eras are validation, the last's test).")
  var splits = 2
  @Option(help: "Eras between train and test.") var gap = 12
  @Option(help: "Keep the last N labelled eras sealed: scored once, by a refit on every era before them.") var sealedEras = 0
  @Option(help: "Write the HTML page here (tables and cumulative corr per variant).") var report: String?
  @Flag(help: "Print the results as JSON instead of a table.") var json = false

  func validate() throws {
    if data.transforms.isEmpty && augment.isEmpty {
      throw ValidationError("give at least one --transform T.smt (written by `features fit`) or --augment SPEC to compare")
    }
    guard sealedEras >= 0 else { throw ValidationError("--sealed-eras \(sealedEras): expected 0 or more") }
  }

  func run() async throws {
    let dataset = try data.load(appendingStages: false).dataset
    let target = dataset.targetNames.contains("target") ? "target" : dataset.targetNames.first ?? "target"
    let sealed = sealedEras > 0 ? try SealedEras.last(sealedEras, of: dataset, target: target) : []
    let open = SealedEras.open(try SealedEras.labelledEras(dataset, target: target), sealed: sealed)
    let lab = try FeatureLab(
      dataset: dataset, model: TrialConfiguration(values: try BenchmarkPresets.parse(benchmark), target: target),
      splits: try TimeSeriesSplit(nSplits: splits, gap: gap).splits(eras: open), sealedEras: sealed)
    let variants =
      try zip(data.transforms, data.appendedStages().stages).map { path, stage in
        FeatureLab.Variant(name: "+ \(stage.spec) (\(URL(fileURLWithPath: path).lastPathComponent))", stages: AppendedStages([stage]))
      } + augment.map { spec in FeatureLab.Variant(name: "+ rows \(spec)", augmentation: try TrainingAugmentation(spec)) }
    let results = try lab.run(variants, threads: data.threads, log: Console.log)
    if let report {
      try AtomicFile.write(Data(HTMLReport.renderLab(title: "Feature lab", results: results).utf8), to: report)
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(results), as: UTF8.self))
    } else {
      print(LabTable.render(results))
    }
  }
}

/// The lab's terminal table: one block per period, one row per variant.
enum LabTable {
  static func render(_ results: [LabResult]) -> String {
    let header = "variant".padding(toLength: 34, withPad: " ", startingAt: 0)
      + ["corr", "Sharpe", "max DD", "max exp", "FNC", "MMC", "corr base", "fit s"].map { $0.leftPadded(10) }.joined()
    return LabPeriod.allCases.compactMap { period -> String? in
      let rows = results.compactMap { r in r.scores(on: period).map { (r.variant, $0) } }
      guard !rows.isEmpty else { return nil }
      let lines = rows.map { name, s in
        String(name.prefix(33)).padding(toLength: 34, withPad: " ", startingAt: 0)
          + [s.corrMean, s.sharpe, s.maxDrawdown, s.maxFeatureExposure, s.fnc, s.mmc, s.baselineCorrelation]
          .map { String(format: "%.4f", $0).leftPadded(10) }.joined() + String(format: "%.1f", s.fitSeconds).leftPadded(10)
      }
      return "\(period.rawValue) eras (\(rows[0].1.eras.count))\n\(header)\n" + lines.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }
}
