import ArgumentParser
import Foundation
import PostgresStore

/// The `signal-miner` command: mine diverse, benchmark-beating GBDT models for Numerai Classic.
@main
struct SignalMiner: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "signal-miner",
    abstract: "Mine diverse, benchmark-beating gradient-boosted-tree models for the Numerai Classic tournament.",
    version: "0.1.0",
    subcommands: [
      DemoCommand.self,
      DataCommand.self,
      FeaturesCommand.self,
      LabCommand.self,
      ScoreCommand.self,
      TrainCommand.self,
      PredictCommand.self,
      SpaceCommand.self,
      MineCommand.self,
      ProgressCommand.self,
      ResultsCommand.self,
      SelectCommand.self,
      ExportCommand.self,
      HoldoutCommand.self,
      StudyCommand.self,
      ReportCommand.self,
      GFNCommand.self,
      CompletionCommand.self,
    ])

  /// Parses and runs like ArgumentParser's own `main`, except that a `ValidationError` thrown while a
  /// subcommand runs is shown with that subcommand's usage line, not the root's `signal-miner <subcommand>`.
  static func main() async {
    PostgresStudyStores.register()
    let command: any ParsableCommand
    do { command = try parseAsRoot() } catch { exit(withError: error) }
    do {
      if var command = command as? any AsyncParsableCommand { try await command.run() } else {
        var command = command
        try command.run()
      }
    } catch let error as ValidationError {
      let path = commandPath(to: type(of: command)).joined(separator: " ")
      let usage = usageString(for: type(of: command))
      FileHandle.standardError.write(
        Data("Error: \(error.message)\nUsage: \(usage)\n  See '\(path) --help' for more information.\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    } catch {
      exit(withError: error)
    }
  }

  /// The command names from the root to `target` (`["signal-miner", "data", "synth"]`).
  static func commandPath(to target: any ParsableCommand.Type, from root: any ParsableCommand.Type = SignalMiner.self)
    -> [String]
  {
    let name = root._commandName
    if ObjectIdentifier(root) == ObjectIdentifier(target) { return [name] }
    for sub in root.configuration.subcommands {
      let path = commandPath(to: target, from: sub)
      if !path.isEmpty { return [name] + path }
    }
    return []
  }
}
