import Foundation
import Mining
import Testing

@testable import PostgresStore

/// `--study postgresql://…` parsing, the password rules and `.pgpass` matching (no server needed).
@Suite struct PostgresLocationTests {
  @Test func parsesUserHostPortDatabaseStudyAndTLS() throws {
    let plain = try PostgresLocation("postgresql://miner@db.example:6543/numerai?study=run-7")
    #expect(plain == PostgresLocation.make(user: "miner", host: "db.example", port: 6543, database: "numerai", study: "run-7", tls: false))
    let tls = try PostgresLocation("postgres://miner@db.example/numerai?study=s&sslmode=require")
    #expect(tls.port == 5432 && tls.requireTLS)
    #expect(tls.description == "postgresql://miner@db.example:5432/numerai?study=s&sslmode=require")
  }

  @Test func aPasswordInTheURLIsRefusedWithoutRepeatingIt() throws {
    let error = try #require(throws: MiningError.self) { try PostgresLocation("postgresql://miner:hunter2@db:5432/numerai?study=s") }
    #expect(!error.description.contains("hunter2"))
    #expect(error.description.contains("PGPASSWORD") && error.description.contains("~/.pgpass"), "\(error)")
    #expect(!error.description.contains("\n"))
  }

  @Test(arguments: [
    ("postgresql://miner@db:5432/numerai", "?study=name"), ("postgresql://miner@db:5432/?study=s", "database name"),
    ("postgresql://miner@db/numerai?study=s&sslmode=prefer", "sslmode=prefer"),
  ])
  func anIncompleteURLSaysWhatIsMissing(_ url: String, _ expected: String) throws {
    let error = try #require(throws: MiningError.self) { try PostgresLocation(url) }
    #expect(error.description.contains(expected), "\(error)")
  }

  @Test func thePasswordComesFromPGPASSWORDElsePgpass() throws {
    let location = try PostgresLocation("postgresql://miner@db:5432/numerai?study=s")
    #expect(location.password(environment: ["PGPASSWORD": "from-env"]) == "from-env")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try "# comment\nother:5432:numerai:miner:wrong\ndb:5432:*:miner:pa\\:ss\n*:*:*:*:fallback\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    #expect(location.password(environment: ["PGPASSFILE": file]) == "pa:ss")
    #expect(try PostgresLocation("postgresql://x@h:1/d?study=s").password(environment: ["PGPASSFILE": file]) == "fallback")
    #expect(location.password(environment: ["PGPASSFILE": file + ".missing"]) == nil)
  }
}

extension PostgresLocation {
  static func make(user: String, host: String, port: Int, database: String, study: String, tls: Bool) -> PostgresLocation {
    var location = try! PostgresLocation("postgresql://u@h/d?study=s")
    (location.user, location.host, location.port, location.database, location.study, location.requireTLS) =
      (user, host, port, database, study, tls)
    return location
  }
}
