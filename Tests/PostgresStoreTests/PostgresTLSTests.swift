import Foundation
import Mining
import Testing

@testable import PostgresStore

extension PostgresServerTests {
  /// `sslmode=require` connects over TLS (the test server has a self-signed certificate, which libpq's
  /// `require` does not check either); without it the connection is plain. The server itself says which.
  @Suite struct TLS {
    /// Whether the server sees a session's own connection as TLS.
    static func serverSeesTLS(_ url: String) throws -> Bool {
      let session = PostgresSession(location: try PostgresLocation(url))
      return try session.run { db in
        try db.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].decode(Bool.self)
      }
    }

    @Test func sslmodeRequireConnectsOverTLSAndTheDefaultDoesNot() throws {
      let name = TestPostgres.freshName("tls")
      #expect(try Self.serverSeesTLS(TestPostgres.study(name) + "&sslmode=require"))
      #expect(try !Self.serverSeesTLS(TestPostgres.study(name)))
    }
  }
}
