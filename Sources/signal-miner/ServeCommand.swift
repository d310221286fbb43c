import ArgumentParser
import Dashboard
import Foundation
import Hummingbird

/// `signal-miner serve`: a live dashboard of a study, read-only, while `mine` processes write it.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a live dashboard of a study: progress, miners, leaderboard, charts, trials, the gfn policy.")

  @Option(help: "The study file.") var study: String
  @Option(help: "Port to listen on (0: any free port, printed).") var port = 8080
  @Option(help: "Address to bind; anything but loopback needs --token or SIGNALMINER_TOKEN.") var host = "127.0.0.1"
  @Option(
    help:
      "Token every request must carry (Authorization: Bearer T, ?token=T, then a cookie); default SIGNALMINER_TOKEN.")
  var token: String?
  @Option(help: "The search space JSON the study was mined with, for the sampler page (default: the notebook's).")
  var space: String?

  func run() async throws {
    let token = token ?? ProcessInfo.processInfo.environment["SIGNALMINER_TOKEN"]
    let app = try Dashboard.application(
      configuration: DashboardConfiguration(studyPath: study, host: host, port: port, token: token, spacePath: space),
      onListening: { url in
        FileHandle.standardOutput.write(Data("serving \(url) (Ctrl-C stops)\n".utf8))
      })
    try await app.runService()
  }
}
