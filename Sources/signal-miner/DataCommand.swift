import ArgumentParser

/// `signal-miner data …`: inspect, import and synthesize Numerai data sets.
struct DataCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Inspect, import and synthesize Numerai data sets.", subcommands: [])
}
