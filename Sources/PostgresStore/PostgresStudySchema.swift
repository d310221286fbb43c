import PostgresNIO

/// The PostgreSQL study schema's versions, applied in order; `signalminer.schema_version` lists those applied.
///
/// All tables live in the schema `signalminer` and are keyed by the study's name, so one database holds many
/// studies (`signalminer.claim_log` keeps every claim for audits). Migrations run in one transaction under an advisory lock, so processes opening one database at
/// once apply each version exactly once; later versions only add.
enum PostgresStudySchema {
  /// Each version's statements, version 1 first.
  static let versions: [[PostgresQuery]] = [
    [
      "CREATE TABLE signalminer.study (name TEXT PRIMARY KEY, created TIMESTAMPTZ NOT NULL DEFAULT now())",
      """
      CREATE TABLE signalminer.meta (study TEXT NOT NULL REFERENCES signalminer.study ON DELETE CASCADE, key TEXT NOT NULL,
        value TEXT NOT NULL, PRIMARY KEY (study, key))
      """,
      """
      CREATE TABLE signalminer.blob (study TEXT NOT NULL REFERENCES signalminer.study ON DELETE CASCADE, key TEXT NOT NULL,
        value BYTEA NOT NULL, PRIMARY KEY (study, key))
      """,
      """
      CREATE TABLE signalminer.trial (study TEXT NOT NULL REFERENCES signalminer.study ON DELETE CASCADE, id INTEGER NOT NULL,
        config TEXT NOT NULL, sampler TEXT NOT NULL, engine TEXT NOT NULL, is_benchmark BOOLEAN NOT NULL,
        created TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (study, id), UNIQUE (study, config))
      """,
      """
      CREATE TABLE signalminer.split_run (study TEXT NOT NULL, trial INTEGER NOT NULL, split INTEGER NOT NULL,
        status TEXT NOT NULL, owner TEXT, heartbeat TIMESTAMPTZ, lease_until TIMESTAMPTZ, seconds DOUBLE PRECISION,
        claims INTEGER NOT NULL DEFAULT 0, predictions BYTEA, PRIMARY KEY (study, trial, split),
        FOREIGN KEY (study, trial) REFERENCES signalminer.trial ON DELETE CASCADE)
      """,
      "CREATE INDEX split_run_claimable ON signalminer.split_run (study, status, trial, split)",
    ],
    // Version 2: every claim, with the holder it took the run from and when that holder's lease ended (by the
    // database's clock), so that no run was ever taken from a live lease can be checked after the fact.
    [
      """
      CREATE TABLE signalminer.claim_log (study TEXT NOT NULL, trial INTEGER NOT NULL, split INTEGER NOT NULL,
        owner TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL, previous_owner TEXT,
        previous_lease_until TIMESTAMPTZ, FOREIGN KEY (study, trial, split) REFERENCES signalminer.split_run ON DELETE CASCADE)
      """,
      "CREATE INDEX claim_log_run ON signalminer.claim_log (study, trial, split)",
    ],
  ]

  /// Brings the database up to the latest version.
  static func migrate(_ connection: PostgresConnection) throws {
    try connection.execute("BEGIN")
    do {
      try connection.execute("SELECT pg_advisory_xact_lock(7361626001)")
      try connection.execute("CREATE SCHEMA IF NOT EXISTS signalminer")
      try connection.execute("CREATE TABLE IF NOT EXISTS signalminer.schema_version (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())")
      let current = try connection.rows("SELECT COALESCE(MAX(version), 0) FROM signalminer.schema_version")[0].decode(Int.self)
      for (index, statements) in versions.enumerated() where index + 1 > current {
        for statement in statements { try connection.execute(statement) }
        try connection.execute("INSERT INTO signalminer.schema_version (version) VALUES (\(index + 1))")
      }
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.execute("ROLLBACK")
      throw error
    }
  }
}
