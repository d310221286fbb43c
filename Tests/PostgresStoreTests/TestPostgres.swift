import Foundation
import Testing

/// Every test that talks to the test server, one at a time (the fault tests restart the server and cut
/// connections, which must not land in another test's transaction). Skipped only when
/// `SIGNALMINER_TEST_POSTGRES_URL` is unset.
@Suite(.serialized, .enabled(if: TestPostgres.isConfigured, "SIGNALMINER_TEST_POSTGRES_URL is unset"))
struct PostgresServerTests {}

/// The test server: `SIGNALMINER_TEST_POSTGRES_URL` (`scripts/test-postgres.sh start` prints one; `.ci/run`
/// sets it).
enum TestPostgres {
  static let url = ProcessInfo.processInfo.environment["SIGNALMINER_TEST_POSTGRES_URL"]
  static let isConfigured = url != nil

  /// The URL of the study `name` in the test database.
  static func study(_ name: String) -> String {
    let base = url ?? "postgresql://signalminer@127.0.0.1:54329/signalminer"
    return base + (base.contains("?") ? "&" : "?") + "study=" + name
  }

  /// A study name no other test uses.
  static func freshName(_ prefix: String = "t") -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

  /// `scripts/test-postgres.sh` of this checkout.
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres.sh").path
}
