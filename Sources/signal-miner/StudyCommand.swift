import ArgumentParser
import Foundation
import Mining

/// `signal-miner study`: whole-study operations.
struct StudyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study", abstract: "Whole-study operations.", subcommands: [Copy.self])

  /// `signal-miner study copy --from S1 --to S2`: a study into a new store (SQLite ⇄ PostgreSQL).
  struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy a study (layout, trials, finished splits' predictions, sampler states, holdout scores) into a new study.")
    @Option(help: "The study to copy: a SQLite file or postgresql://user@host:5432/db?study=name.") var from: String
    @Option(help: "The new study: a SQLite file or postgresql://user@host:5432/db?study=name.") var to: String

    func run() async throws {
      let source = try StudyStores.open(from)
      let summary = try StudyCopy.copy(from: source, to: to)
      Console.log(
        "copied \(summary.trials) trials, \(summary.splitsDone) finished splits, \(summary.samplerStates) sampler states, \(summary.holdoutScores) holdout scores to \(to)"
      )
    }
  }
}
