import ArgumentParser

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
      ReportCommand.self,
      GFNCommand.self,
      CompletionCommand.self,
    ])
}
