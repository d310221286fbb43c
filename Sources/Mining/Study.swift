import Boosting
import Foundation
import GRDB
import Scoring

#if canImport(Glibc)
  import Glibc
#endif

/// What a study was created on; opening the study with other data is refused.
public struct StudyFingerprint: Sendable, Codable, Equatable {
  public var files: [String]
  public var rows: Int
  public var eras: Int
  public var features: [String]

  public init(files: [String], rows: Int, eras: Int, features: [String]) {
    self.files = files
    self.rows = rows
    self.eras = eras
    self.features = features
  }
}

/// One split's test rows as the study keeps them, so results need no data files: the eras in order, their row
/// counts, and (in the study's blob table) the rows' ids and the scoring target's labels.
public struct SplitTargets: Sendable, Codable, Equatable {
  public var eras: [String]
  public var rowsPerEra: [Int]
  /// The test rows' labels for the scoring target (NaN unlabelled); stored as a Float32 blob.
  public var labels: [Float]
  /// The test rows' ids (to match a meta model's); stored as newline-separated UTF-8. Empty in studies made
  /// before ids were kept.
  public var ids: [String]

  public init(eras: [String], rowsPerEra: [Int], labels: [Float], ids: [String]) {
    self.eras = eras
    self.rowsPerEra = rowsPerEra
    self.labels = labels
    self.ids = ids
  }

  enum CodingKeys: String, CodingKey { case eras, rowsPerEra }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    eras = try c.decode([String].self, forKey: .eras)
    rowsPerEra = try c.decode([Int].self, forKey: .rowsPerEra)
    labels = []
    ids = []
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(eras, forKey: .eras)
    try c.encode(rowsPerEra, forKey: .rowsPerEra)
  }
}

/// A trial as stored: id, configuration, sampler, benchmark flag.
public struct StoredTrial: Sendable, Equatable {
  public let id: Int
  public let configuration: TrialConfiguration
  public let sampler: String
  public let isBenchmark: Bool
}

/// One SQLite file (WAL) holding a mining run: the data fingerprint, the CV splits and their test labels, the
/// benchmark, every trial, every split's status and out-of-fold predictions (Float16 blobs).
///
/// Out-of-fold predictions live in the same SQLite row as the split's status, written in one transaction: a
/// split is done exactly when its predictions are stored, whatever crashes. (A Float16 test fold of 150 k rows is
/// 300 KB, well within what SQLite blobs handle; a sidecar file would need its own crash protocol.)
/// Several processes can mine one study: claiming a split is an IMMEDIATE transaction, and a split whose owner
/// died (its pid is gone, or its heartbeat is older than `staleAfter`) is claimed again.
public final class Study: Sendable {
  public let path: String
  let database: DatabaseQueue
  /// This process's identity in `owner` columns.
  static let owner: String = {
    var name = [CChar](repeating: 0, count: 256)
    gethostname(&name, 255)
    return "\(String(cString: name)):\(getpid())"
  }()

  private init(path: String, database: DatabaseQueue) {
    self.path = path
    self.database = database
  }

  private static func connect(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(30)
    do {
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode=WAL") }
      return queue
    } catch {
      throw MiningError("\(path): cannot open the study (\(error))")
    }
  }

  /// Opens an existing study (progress, results, export).
  public static func open(path: String) throws -> Study {
    guard FileManager.default.fileExists(atPath: path) else { throw MiningError("\(path): no such study") }
    let study = Study(path: path, database: try connect(path))
    guard try study.meta("fingerprint") != nil else { throw MiningError("\(path): not a SignalMiner study") }
    return study
  }

  /// Creates the study, or opens it after checking it was made on the same data.
  public static func create(
    path: String, fingerprint: StudyFingerprint, splits: [EraSplit], splitTargets: [SplitTargets],
    benchmark: TrialConfiguration, benchmarkParameters: BoostingParameters
  ) throws -> Study {
    let study = Study(path: path, database: try connect(path))
    try study.database.write { db in
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let print = String(decoding: try encoder.encode(fingerprint), as: UTF8.self)
    if let existing = try study.meta("fingerprint") {
      guard existing == print else {
        let old = try JSONDecoder().decode(StudyFingerprint.self, from: Data(existing.utf8))
        throw MiningError(
          "\(path) was created on other data (\(old.files.joined(separator: ", ")): \(old.rows) rows, \(old.eras) eras, \(old.features.count) features); this run has \(fingerprint.files.joined(separator: ", ")): \(fingerprint.rows) rows, \(fingerprint.eras) eras, \(fingerprint.features.count) features. Use a new --study file.")
      }
      return study
    }
    try study.database.write { db in
      func put(_ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
      }
      try put("fingerprint", print)
      try put("splits", String(decoding: try encoder.encode(splits), as: UTF8.self))
      try put("split_targets", String(decoding: try encoder.encode(splitTargets), as: UTF8.self))
      try put("benchmark_parameters", String(decoding: try encoder.encode(benchmarkParameters), as: UTF8.self))
      try put("scoring_target", benchmark.target)
      for (s, t) in splitTargets.enumerated() {
        try db.execute(
          sql: "INSERT INTO blob (key, value) VALUES (?, ?)",
          arguments: ["labels/\(s)", t.labels.withUnsafeBytes { Data($0) }])
        try db.execute(
          sql: "INSERT INTO blob (key, value) VALUES (?, ?)", arguments: ["ids/\(s)", Data(t.ids.joined(separator: "\n").utf8)])
      }
      try db.execute(
        sql: "INSERT INTO trial (config, sampler, is_benchmark, created) VALUES (?, 'benchmark', 1, ?)",
        arguments: [benchmark.json, Date().timeIntervalSince1970])
      let id = db.lastInsertedRowID
      for s in splits.indices {
        try db.execute(sql: "INSERT INTO split_run (trial, split, status) VALUES (?, ?, 'pending')", arguments: [id, s])
      }
    }
    return study
  }

  func meta(_ key: String) throws -> String? {
    try database.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
  }

  /// The CV splits.
  public func splits() throws -> [EraSplit] {
    try JSONDecoder().decode([EraSplit].self, from: Data((try meta("splits") ?? "[]").utf8))
  }

  /// The test eras and labels of each split.
  public func splitTargets() throws -> [SplitTargets] {
    var targets = try JSONDecoder().decode([SplitTargets].self, from: Data((try meta("split_targets") ?? "[]").utf8))
    try database.read { db in
      for s in targets.indices {
        let data = try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["labels/\(s)"]) ?? Data()
        targets[s].labels = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        if let ids = try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["ids/\(s)"]) {
          targets[s].ids =
            ids.isEmpty ? [] : String(decoding: ids, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
      }
    }
    return targets
  }

  /// The target every trial is scored against (the benchmark's).
  public func scoringTarget() throws -> String { try meta("scoring_target") ?? "target" }

  /// The benchmark's full parameters (every trial's base).
  public func benchmarkParameters() throws -> BoostingParameters {
    try JSONDecoder().decode(BoostingParameters.self, from: Data((try meta("benchmark_parameters") ?? "{}").utf8))
  }

  /// The data fingerprint.
  public func fingerprint() throws -> StudyFingerprint {
    try JSONDecoder().decode(StudyFingerprint.self, from: Data((try meta("fingerprint") ?? "{}").utf8))
  }

  /// Every trial, by id (the benchmark is trial 1).
  public func trials() throws -> [StoredTrial] {
    try database.read { db in
      try Row.fetchAll(db, sql: "SELECT id, config, sampler, is_benchmark FROM trial ORDER BY id").map { row in
        StoredTrial(
          id: row["id"], configuration: try TrialConfiguration(json: row["config"]), sampler: row["sampler"],
          isBenchmark: row["is_benchmark"] == 1)
      }
    }
  }

  /// Stores new configurations (each with a pending run per split) before any is trained; returns their ids.
  @discardableResult
  public func add(_ configurations: [TrialConfiguration], sampler: String) throws -> [Int] {
    let splitCount = try splits().count
    return try database.write { db in
      try configurations.map { c in
        try db.execute(
          sql: "INSERT INTO trial (config, sampler, is_benchmark, created) VALUES (?, ?, 0, ?)",
          arguments: [c.json, sampler, Date().timeIntervalSince1970])
        let id = db.lastInsertedRowID
        for s in 0..<splitCount {
          try db.execute(sql: "INSERT INTO split_run (trial, split, status) VALUES (?, ?, 'pending')", arguments: [id, s])
        }
        return Int(id)
      }
    }
  }

  /// Claims the next split to train (lowest trial first): a pending one, or one whose owner is gone.
  public func claim(staleAfter: TimeInterval = 120) throws -> (trial: Int, split: Int)? {
    let me = Self.owner
    let host = me.split(separator: ":").first.map(String.init) ?? ""
    return try database.write { db in
      let now = Date().timeIntervalSince1970
      var candidate = try Row.fetchOne(
        db, sql: "SELECT trial, split FROM split_run WHERE status = 'pending' ORDER BY trial, split LIMIT 1")
      if candidate == nil {
        for row in try Row.fetchAll(db, sql: "SELECT trial, split, owner, heartbeat FROM split_run WHERE status = 'running' ORDER BY trial, split") {
          let owner: String = row["owner"] ?? ""
          let beat: Double = row["heartbeat"] ?? 0
          let parts = owner.split(separator: ":")
          let deadHere = parts.count == 2 && String(parts[0]) == host && Int32(parts[1]).map { kill($0, 0) != 0 && errno == ESRCH } == true
          if deadHere || now - beat > staleAfter {
            candidate = row
            break
          }
        }
      }
      guard let row = candidate else { return nil }
      let trial: Int = row["trial"]
      let split: Int = row["split"]
      try db.execute(
        sql: "UPDATE split_run SET status = 'running', owner = ?, heartbeat = ?, claims = claims + 1 WHERE trial = ? AND split = ?",
        arguments: [me, now, trial, split])
      return (trial, split)
    }
  }

  /// Marks a claimed split as still being worked on.
  public func heartbeat(trial: Int, split: Int) throws {
    try database.write { db in
      try db.execute(
        sql: "UPDATE split_run SET heartbeat = ? WHERE trial = ? AND split = ? AND owner = ?",
        arguments: [Date().timeIntervalSince1970, trial, split, Self.owner])
    }
  }

  /// Gives a claimed split back (interrupted cleanly).
  public func release(trial: Int, split: Int) throws {
    try database.write { db in
      try db.execute(
        sql: "UPDATE split_run SET status = 'pending', owner = NULL WHERE trial = ? AND split = ? AND status = 'running'",
        arguments: [trial, split])
    }
  }

  /// Stores a finished split's predictions (as Float16) in the same transaction that marks it done. A split
  /// already done (by a process that was thought dead) is left untouched; returns whether this call stored it.
  @discardableResult
  public func complete(trial: Int, split: Int, predictions: [Double], seconds: Double) throws -> Bool {
    let half = predictions.map { Float16(Float($0)) }
    let blob = half.withUnsafeBytes { Data($0) }
    return try database.write { db in
      try db.execute(
        sql: "UPDATE split_run SET status = 'done', predictions = ?, seconds = ?, owner = NULL WHERE trial = ? AND split = ? AND status != 'done'",
        arguments: [blob, seconds, trial, split])
      return db.changesCount == 1
    }
  }

  /// The stored out-of-fold predictions of a done split.
  public func predictions(trial: Int, split: Int) throws -> [Float]? {
    try database.read { db in
      guard let data = try Data.fetchOne(
        db, sql: "SELECT predictions FROM split_run WHERE trial = ? AND split = ? AND status = 'done'", arguments: [trial, split])
      else { return nil }
      return data.withUnsafeBytes { raw in raw.bindMemory(to: Float16.self).map { Float($0) } }
    }
  }

  /// Saves a sampler's learned state (e.g. the GFlowNet's parameters).
  public func saveSamplerState(_ name: String, _ bytes: [UInt8]) throws {
    try database.write { db in
      try db.execute(sql: "INSERT OR REPLACE INTO blob (key, value) VALUES (?, ?)", arguments: ["sampler/\(name)", Data(bytes)])
    }
  }

  /// A sampler's saved state, if any.
  public func samplerState(_ name: String) throws -> [UInt8]? {
    try database.read { db in
      try Data.fetchOne(db, sql: "SELECT value FROM blob WHERE key = ?", arguments: ["sampler/\(name)"]).map { [UInt8]($0) }
    }
  }

  /// How many times each split was claimed, by (trial, split): 1 everywhere unless a miner died or was stopped.
  public func claimCounts() throws -> [[Int]: Int] {
    try database.read { db in
      var out: [[Int]: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT trial, split, claims FROM split_run") {
        out[[row["trial"], row["split"]]] = row["claims"]
      }
      return out
    }
  }

  /// Counts for `progress`.
  public struct Progress: Sendable, Codable, Equatable {
    public var done: Int
    public var total: Int
    public var splitsDone: Int
    public var splitsTotal: Int
    public var running: Int
    public var secondsTrained: Double
  }

  public func progress() throws -> Progress {
    try database.read { db in
      let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial") ?? 0
      let done = try Int.fetchOne(
        db, sql: "SELECT COUNT(*) FROM trial t WHERE NOT EXISTS (SELECT 1 FROM split_run s WHERE s.trial = t.id AND s.status != 'done')") ?? 0
      let splitsDone = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM split_run WHERE status = 'done'") ?? 0
      let splitsTotal = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM split_run") ?? 0
      let running = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM split_run WHERE status = 'running'") ?? 0
      let seconds = try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(seconds), 0) FROM split_run WHERE status = 'done'") ?? 0
      return Progress(done: done, total: total, splitsDone: splitsDone, splitsTotal: splitsTotal, running: running, secondsTrained: seconds)
    }
  }
}
