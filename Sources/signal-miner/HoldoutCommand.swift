import ArgumentParser
import Foundation
import Mining

/// `signal-miner holdout`: how chosen trials (and their ensemble) do on the study's sealed eras.
struct HoldoutCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "holdout",
    abstract: "Refit trials on every era before the sealed ones and score them on the sealed eras (opens them).")

  @Option(help: "The study (SQLite file or postgresql:// URL), mined with --sealed-eras or --sealed-from.") var study: String
  @Option(help: "Trial ids, comma-separated, e.g. 17,240.") var trials: String
  @Flag(help: "Also score the trials' rank-averaged ensemble.") var ensemble = false
  @Flag(help: "One JSON array.") var json = false
  @OptionGroup var data: DataOptions

  func run() async throws {
    let ids = try TrialList.parse(trials)
    let store = try Study.open(study)
    let dataset = try data.load(for: store).dataset
    let scores = try store.holdout(trials: ids, dataset: dataset, ensemble: ensemble, threads: data.threads)
    if json {
      let encoder = JSONEncoder()
      encoder.keyEncodingStrategy = .convertToSnakeCase
      encoder.outputFormatting = [.sortedKeys]
      print(String(decoding: try encoder.encode(scores), as: UTF8.self))
      return
    }
    let sealed = store.layout.sealedEras
    print("sealed eras \(sealed.first!)…\(sealed.last!) (\(sealed.count)); refit on every era before them")
    print("model".padding(toLength: 12, withPad: " ", startingAt: 0) + "      corr    sharpe  max_drawdown       mmc  beats_benchmark")
    for s in scores {
      let cells = [s.corr, s.sharpe, s.maxDrawdown, s.mmc].map { $0.map { String(format: "%.4f", $0) } ?? "-" }
      print(
        s.name.padding(toLength: 12, withPad: " ", startingAt: 0) + cells[0].leftPadded(10) + cells[1].leftPadded(10)
          + cells[2].leftPadded(14) + cells[3].leftPadded(10) + (s.name == "benchmark" ? "" : s.beatsBenchmark ? "yes" : "no").leftPadded(17))
    }
  }
}
