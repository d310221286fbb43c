import ArgumentParser
import Foundation
import Mining
import Report

/// `signal-miner report`: the study as one self-contained HTML file.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Write a study's report: Sharpe scatter, splits, hyperparameters, cumulative corr, leaderboard.")

  @Option(help: "The study: a SQLite file or postgresql://user@host:5432/db?study=name.") var study: String
  @Option(help: "The HTML file to write.") var out: String

  func run() async throws {
    let store = try Study.open(study)
    let html = HTMLReport.render(
      title: "SignalMiner study \(URL(fileURLWithPath: study).lastPathComponent)", results: try store.results(),
      splits: store.layout.splits, eras: store.eras, holdout: try store.store.holdoutScores())
    do { try html.write(toFile: out, atomically: true, encoding: .utf8) } catch {
      throw MiningError("\(out): cannot write the report (\(error.localizedDescription))")
    }
    print("wrote \(out)")
  }
}
