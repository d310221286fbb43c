import ArgumentParser
import Foundation
import NumeraiData

/// `signal-miner demo`: the whole tool on a Numerai-shaped data set it generates itself.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo", abstract: "Generate a Numerai-shaped data set and show what SignalMiner reads from it.")

  @Option(help: "Directory for the demo's files.") var directory = "demo-output"
  @Option(help: "Random seed.") var seed: UInt64 = 0

  func run() async throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let prefix = directory + "/synthetic"
    let synthetic = try SyntheticNumerai(.init(seed: seed))
    let paths = try synthetic.write(prefix: prefix)
    print("wrote \(paths.joined(separator: ", "))")
    let info = try DataCommand.Info.parse([paths[0], paths[1], "--features-json", paths[2]])
    try await info.run()
  }
}
