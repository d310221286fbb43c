import Boosting
import Foundation
import GRDB
import Scoring

/// A study in one SQLite file (WAL): the layout, every trial, every split run's state, lease and out-of-fold
/// predictions (Float16 blobs), and sampler states. Keeps the `StudyStore` contract.
///
/// Out-of-fold predictions live in the same row as the run's state, written in one transaction (a Float16
/// test fold of 150 k rows is 300 KB, well within what SQLite blobs handle; a sidecar file would need its own
/// crash protocol). Several processes can share the file: every write is an IMMEDIATE transaction. The schema
/// is versioned by GRDB's `DatabaseMigrator` (`SQLiteStudySchema`); a study made before the migrator existed
/// opens as version 1 and is brought up to date.
public final class SQLiteStudyStore: StudyStore {
  public let location: String
  let database: DatabaseQueue
  /// A running run whose lease column is empty (written before leases) expires this long after its heartbeat.
  static let legacyLease: TimeInterval = 120

  private init(path: String, database: DatabaseQueue) {
    location = path
    self.database = database
  }

  /// Opens an existing study.
  public static func open(path: String) throws -> SQLiteStudyStore {
    guard FileManager.default.fileExists(atPath: path) else { throw MiningError("\(path): no such study") }
    let store = SQLiteStudyStore(path: path, database: try connect(path))
    guard try store.meta("fingerprint") != nil else { throw MiningError("\(path): not a SignalMiner study") }
    return store
  }

  /// Creates the study with `layout` and its benchmark trial, or opens it after checking that it was made on
  /// the same data (one transaction, so two processes creating one study at once agree).
  public static func create(path: String, layout: StudyLayout, benchmark: TrialConfiguration, engine: String) throws
    -> SQLiteStudyStore
  {
    let store = SQLiteStudyStore(path: path, database: try connect(path))
    try store.database.write { db in
      if let existing = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fingerprint'") {
        try StudyMeta.checkFingerprint(existing, against: layout.fingerprint, location: path)
        try StudyMeta.checkSealedEras(
          try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'sealed_eras'"), against: layout, location: path)
      } else {
        try writeLayout(layout, benchmark: benchmark, engine: engine, db)
      }
    }
    return store
  }

  private static func connect(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(30)
    do {
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode=WAL") }
      try SQLiteStudySchema.migrate(queue)
      return queue
    } catch {
      throw MiningError("\(path): cannot open the study (\(error))")
    }
  }

  private static func writeLayout(_ layout: StudyLayout, benchmark: TrialConfiguration, engine: String, _ db: Database) throws {
    for (key, value) in try StudyMeta.entries(layout) {
      try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }
    for (s, t) in layout.splitTargets.enumerated() {
      try db.execute(
        sql: "INSERT INTO blob (key, value) VALUES (?, ?)", arguments: ["labels/\(s)", t.labels.withUnsafeBytes { Data($0) }])
      try db.execute(
        sql: "INSERT INTO blob (key, value) VALUES (?, ?)", arguments: ["ids/\(s)", Data(t.ids.joined(separator: "\n").utf8)])
    }
    _ = try insertTrial(benchmark, sampler: "benchmark", engine: engine, isBenchmark: true, splitCount: layout.splits.count, db)
  }

  /// Inserts a trial and its pending runs; nil when the configuration is already stored.
  private static func insertTrial(
    _ c: TrialConfiguration, sampler: String, engine: String, isBenchmark: Bool, splitCount: Int, _ db: Database
  ) throws -> Int? {
    try db.execute(
      sql: "INSERT OR IGNORE INTO trial (config, sampler, engine, is_benchmark, created) VALUES (?, ?, ?, ?, ?)",
      arguments: [c.json, sampler, engine, isBenchmark ? 1 : 0, Date().timeIntervalSince1970])
    guard db.changesCount == 1 else { return nil }
    let id = db.lastInsertedRowID
    for s in 0..<splitCount {
      try db.execute(sql: "INSERT INTO split_run (trial, split, status) VALUES (?, ?, ?)", arguments: [id, s, TrialState.pending.rawValue])
    }
    return Int(id)
  }

  func meta(_ key: String) throws -> String? {
    try database.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
  }

  // MARK: - StudyStore

  public func layout() throws -> StudyLayout {
    let meta = try database.read { db in
      Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map { ($0["key"] as String, $0["value"] as String) })
    }
    var layout = try StudyMeta.layout(meta)
    layout.splitTargets = try splitTargets(layout.splitTargets)
    return layout
  }

  /// The split targets with their labels and ids read from the blob table.
  private func splitTargets(_ stored: [SplitTargets]) throws -> [SplitTargets] {
    var targets = stored
    try database.read { db in
      for s in targets.indices {
        let data = try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["labels/\(s)"]) ?? Data()
        targets[s].labels = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        if let ids = try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["ids/\(s)"]), !ids.isEmpty {
          targets[s].ids = String(decoding: ids, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
      }
    }
    return targets
  }

  public func trials() throws -> [StoredTrial] {
    try database.read { db in
      try Row.fetchAll(db, sql: "SELECT id, config, sampler, engine, is_benchmark FROM trial ORDER BY id").map { row in
        StoredTrial(
          id: row["id"], configuration: try TrialConfiguration(json: row["config"]), sampler: row["sampler"],
          engine: row["engine"], isBenchmark: row["is_benchmark"] == 1)
      }
    }
  }

  public func addTrials(_ configurations: [TrialConfiguration], sampler: String, engine: String, sampledLimit: Int) throws -> [Int] {
    let splitCount = try layout().splits.count
    return try database.write { db in
      var room = sampledLimit - (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial WHERE is_benchmark = 0") ?? 0)
      var ids: [Int] = []
      for c in configurations where room > 0 {
        guard let id = try Self.insertTrial(c, sampler: sampler, engine: engine, isBenchmark: false, splitCount: splitCount, db)
        else { continue }
        ids.append(id)
        room -= 1
      }
      return ids
    }
  }

  public func claim(for worker: StudyWorker, lease: TimeInterval) throws -> SplitClaim? {
    try database.write { db in
      let now = Date().timeIntervalSince1970
      guard let (trial, split) = try Self.claimable(db, now: now) else { return nil }
      try db.execute(
        sql: """
          UPDATE split_run SET status = 'running', owner = ?, heartbeat = ?, lease_until = ?, claims = claims + 1
          WHERE trial = ? AND split = ?
          """,
        arguments: [worker.identity, now, now + lease, trial, split])
      return SplitClaim(trial: trial, split: split, owner: worker.identity)
    }
  }

  /// The run to claim: the first pending one, else the first whose lease expired, else (fast path) the first
  /// held by a process of this host that is gone.
  private static func claimable(_ db: Database, now: Double) throws -> (Int, Int)? {
    if let row = try Row.fetchOne(db, sql: "SELECT trial, split FROM split_run WHERE status = 'pending' ORDER BY trial, split LIMIT 1") {
      return (row["trial"], row["split"])
    }
    let running = try Row.fetchAll(
      db, sql: "SELECT trial, split, owner, COALESCE(lease_until, COALESCE(heartbeat, 0) + ?) AS until FROM split_run WHERE status = 'running' ORDER BY trial, split",
      arguments: [legacyLease])
    let abandoned = running.first { row in
      (row["until"] as Double) < now || StudyWorker(identity: row["owner"] ?? "")?.isGoneFromThisHost == true
    }
    return abandoned.map { ($0["trial"], $0["split"]) }
  }

  public func heartbeat(_ claim: SplitClaim, lease: TimeInterval) throws -> Bool {
    try database.write { db in
      let now = Date().timeIntervalSince1970
      try db.execute(
        sql: "UPDATE split_run SET heartbeat = ?, lease_until = ? WHERE trial = ? AND split = ? AND owner = ? AND status = 'running'",
        arguments: [now, now + lease, claim.trial, claim.split, claim.owner])
      return db.changesCount == 1
    }
  }

  public func release(_ claim: SplitClaim) throws {
    try database.write { db in
      try db.execute(
        sql: "UPDATE split_run SET status = 'pending', owner = NULL, lease_until = NULL WHERE trial = ? AND split = ? AND owner = ? AND status = 'running'",
        arguments: [claim.trial, claim.split, claim.owner])
    }
  }

  public func complete(_ claim: SplitClaim, predictions: [Double], seconds: Double) throws -> Bool {
    let blob = predictions.map { Float16(Float($0)) }.withUnsafeBytes { Data($0) }
    return try database.write { db in
      try db.execute(
        sql: """
          UPDATE split_run SET status = 'done', predictions = ?, seconds = ?, owner = NULL, lease_until = NULL
          WHERE trial = ? AND split = ? AND status != 'done'
          """,
        arguments: [blob, seconds, claim.trial, claim.split])
      return db.changesCount == 1
    }
  }

  public func predictions(trial: Int, split: Int) throws -> [Float]? {
    try database.read { db in
      guard let data = try Data.fetchOne(
        db, sql: "SELECT predictions FROM split_run WHERE trial = ? AND split = ? AND status = 'done'", arguments: [trial, split])
      else { return nil }
      return data.withUnsafeBytes { raw in raw.bindMemory(to: Float16.self).map { Float($0) } }
    }
  }

  public func saveSamplerState(_ name: String, _ bytes: [UInt8]) throws {
    try database.write { db in
      try db.execute(sql: "INSERT OR REPLACE INTO blob (key, value) VALUES (?, ?)", arguments: ["sampler/\(name)", Data(bytes)])
    }
  }

  public func samplerState(_ name: String) throws -> [UInt8]? {
    try database.read { db in
      try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["sampler/\(name)"]).map { [UInt8]($0) }
    }
  }

  public func saveHoldoutScores(_ scores: [HoldoutScore]) throws {
    let encoded = try scores.map { ($0.name, try JSONEncoder().encode($0)) }
    try database.write { db in
      for (name, json) in encoded {
        try db.execute(sql: "INSERT OR REPLACE INTO blob (key, value) VALUES (?, ?)", arguments: ["holdout/\(name)", json])
      }
    }
  }

  public func holdoutScores() throws -> [HoldoutScore] {
    try database.read { db in
      try Data.fetchAll(db, sql: "SELECT value FROM blob WHERE key LIKE 'holdout/%' ORDER BY key")
        .map { try JSONDecoder().decode(HoldoutScore.self, from: $0) }
    }
  }

  public func splitRuns(status: TrialState?) throws -> [SplitRun] {
    let filter = status.map { "WHERE status = '\($0.rawValue)'" } ?? ""
    return try database.read { db in
      try Row.fetchAll(
        db, sql: "SELECT trial, split, status, owner, lease_until, seconds, claims FROM split_run \(filter) ORDER BY trial, split")
        .map { row in
          SplitRun(
            trial: row["trial"], split: row["split"], state: TrialState(rawValue: row["status"]) ?? .pending, owner: row["owner"],
            leaseUntil: row["lease_until"], seconds: row["seconds"], claims: row["claims"])
        }
    }
  }

  public func progress() throws -> StudyProgress {
    try database.read { db in
      func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
      return StudyProgress(
        done: try count(
          "SELECT (SELECT COUNT(*) FROM trial) - (SELECT COUNT(DISTINCT trial) FROM split_run WHERE status IN ('pending', 'running'))"),
        total: try count("SELECT COUNT(*) FROM trial"),
        splitsDone: try count("SELECT COUNT(*) FROM split_run WHERE status = 'done'"),
        splitsTotal: try count("SELECT COUNT(*) FROM split_run"),
        running: try count("SELECT COUNT(*) FROM split_run WHERE status = 'running'"),
        secondsTrained: try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(seconds), 0) FROM split_run WHERE status = 'done'") ?? 0)
    }
  }
}
