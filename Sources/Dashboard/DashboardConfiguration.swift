import Foundation
import Mining

/// How `signal-miner serve` runs: which study, where it listens, the token that guards it.
public struct DashboardConfiguration: Sendable {
  /// The study file, as the user named it (shown in the commands the pages suggest).
  public var studyPath: String
  public var host: String
  /// 0 picks a free port (the one bound is reported once listening).
  public var port: Int
  /// Required on every request when set; required to be set when `host` is not a loopback address.
  public var token: String?
  /// The search space JSON the study was mined with, for the sampler page (nil: the notebook's).
  public var spacePath: String?

  public init(
    studyPath: String, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, spacePath: String? = nil
  ) {
    self.studyPath = studyPath
    self.host = host
    self.port = port
    self.token = token
    self.spacePath = spacePath
  }

  /// Refuses to listen beyond loopback without a token, and an empty token.
  public func validate() throws {
    if let token, token.isEmpty { throw MiningError("--token: expected a non-empty token") }
    if token == nil && !Self.isLoopback(host) {
      throw MiningError("--host \(host): serving beyond loopback needs --token T or SIGNALMINER_TOKEN")
    }
  }

  /// Whether `host` only reaches this machine (127.0.0.0/8, ::1, localhost).
  public static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }
}
