import ArgumentParser
import Foundation
import Mining
import Report

/// `signal-miner report`: the study as one self-contained HTML file.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Write a study's report: Sharpe scatter, splits, hyperparameters, cumulative corr, leaderboard.")

  @Option(help: "The study file.") var study: String
  @Option(help: "The HTML file to write.") var out: String

  func run() async throws {
    let store = try Study.open(path: study)
    let splits = try store.splits()
    let eras = Array(Set(splits.flatMap { $0.trainEras + $0.testEras })).sorted()
    let html = HTMLReport.render(
      title: "SignalMiner study \(URL(fileURLWithPath: study).lastPathComponent)", results: try TrialResults.compute(store),
      splits: splits, eras: eras)
    do { try html.write(toFile: out, atomically: true, encoding: .utf8) } catch {
      throw MiningError("\(out): cannot write the report (\(error.localizedDescription))")
    }
    print("wrote \(out)")
  }
}
