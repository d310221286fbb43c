import GRDB

/// The SQLite study schema's versions, applied in order by GRDB's `DatabaseMigrator`.
///
/// Version 1 is the schema of the first studies (created with `IF NOT EXISTS`, so a study made before the
/// migrator existed is recognised as version 1); later versions only add. Two processes opening one old study
/// at once may race to migrate it: the loser's transaction fails and rolls back, and its retry finds the
/// migration applied.
enum SQLiteStudySchema {
  static let migrator: DatabaseMigrator = {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(sql: "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
      try db.execute(
        sql: """
          CREATE TABLE IF NOT EXISTS trial (id INTEGER PRIMARY KEY, config TEXT NOT NULL UNIQUE,
            sampler TEXT NOT NULL, is_benchmark INTEGER NOT NULL, created REAL NOT NULL)
          """)
      try db.execute(
        sql: """
          CREATE TABLE IF NOT EXISTS split_run (trial INTEGER NOT NULL, split INTEGER NOT NULL, status TEXT NOT NULL,
            owner TEXT, heartbeat REAL, seconds REAL, claims INTEGER NOT NULL DEFAULT 0, predictions BLOB,
            PRIMARY KEY (trial, split))
          """)
      try db.execute(sql: "CREATE TABLE IF NOT EXISTS blob (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    }
    migrator.registerMigration("v2: leases and engines") { db in
      try db.execute(sql: "ALTER TABLE split_run ADD COLUMN lease_until REAL")
      try db.execute(sql: "ALTER TABLE trial ADD COLUMN engine TEXT NOT NULL DEFAULT 'gbdt'")
    }
    // Claims and progress counts by status read this index, not the table's rows (which carry the predictions).
    migrator.registerMigration("v3: status index") { db in
      try db.execute(sql: "CREATE INDEX IF NOT EXISTS split_run_status ON split_run (status, trial, split, seconds)")
    }
    return migrator
  }()

  /// Brings the database up to the latest version (retrying once after losing a race to another process).
  static func migrate(_ database: DatabaseQueue) throws {
    do { try migrator.migrate(database) } catch { try migrator.migrate(database) }
  }
}
