import Foundation
import Mining
import PostgresNIO
import Scoring

/// A study in a PostgreSQL database, under its name (`PostgresLocation`): keeps the `StudyStore` contract for
/// miners on any number of hosts.
///
/// Claims take the next run with `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on each
/// other nor take one run twice. Leases are timed by the database's clock (`now()`), never the hosts'. A run is
/// done exactly when its predictions (Float16 `bytea`) are stored: one `UPDATE` writes both, and only while the
/// run is still held by the completing claim, so a late result after the lease expired and the run was claimed
/// again is refused. Connection failures are retried (`PostgresSession`).
public final class PostgresStudyStore: StudyStore {
  public let location: String
  let session: PostgresSession
  let study: String

  private init(_ place: PostgresLocation) {
    location = place.description
    session = PostgresSession(location: place)
    study = place.study
  }

  /// Opens the existing study `url` names.
  public static func open(url: String) throws -> PostgresStudyStore {
    let store = PostgresStudyStore(try PostgresLocation(url))
    guard try store.meta("fingerprint") != nil else {
      throw MiningError("\(store.location): no such study (expected one made by `signal-miner mine --study` with this name)")
    }
    return store
  }

  /// Creates the study with `layout` and its benchmark trial, or opens it after checking that it was made on
  /// the same data (one transaction holding the study's row, so creators at once agree).
  public static func create(url: String, layout: StudyLayout, benchmark: TrialConfiguration, engine: String) throws
    -> PostgresStudyStore
  {
    let store = PostgresStudyStore(try PostgresLocation(url))
    let name = store.study
    try store.session.transaction { db in
      try db.execute("INSERT INTO signalminer.study (name) VALUES (\(name)) ON CONFLICT DO NOTHING")
      try db.execute("SELECT name FROM signalminer.study WHERE name = \(name) FOR UPDATE")
      let stored = try db.rows("SELECT key, value FROM signalminer.meta WHERE study = \(name) AND key IN ('fingerprint', 'sealed_eras')")
      let meta = Dictionary(uniqueKeysWithValues: try stored.map { try $0.decode((String, String).self) })
      if let fingerprint = meta["fingerprint"] {
        try StudyMeta.checkFingerprint(fingerprint, against: layout.fingerprint, location: store.location)
        try StudyMeta.checkSealedEras(meta["sealed_eras"], against: layout, location: store.location)
      } else {
        try store.writeLayout(layout, benchmark: benchmark, engine: engine, db)
      }
    }
    return store
  }

  private func writeLayout(_ layout: StudyLayout, benchmark: TrialConfiguration, engine: String, _ db: PostgresConnection) throws {
    for (key, value) in try StudyMeta.entries(layout) {
      try db.execute("INSERT INTO signalminer.meta (study, key, value) VALUES (\(study), \(key), \(value))")
    }
    for (s, t) in layout.splitTargets.enumerated() {
      try putBlob("labels/\(s)", t.labels.withUnsafeBytes { Data($0) }, db)
      try putBlob("ids/\(s)", Data(t.ids.joined(separator: "\n").utf8), db)
    }
    _ = try insertTrial(benchmark, sampler: "benchmark", engine: engine, isBenchmark: true, splitCount: layout.splits.count, db)
  }

  private func putBlob(_ key: String, _ value: Data, _ db: PostgresConnection) throws {
    try db.execute(
      """
      INSERT INTO signalminer.blob (study, key, value) VALUES (\(study), \(key), \(value))
      ON CONFLICT (study, key) DO UPDATE SET value = EXCLUDED.value
      """)
  }

  private func blob(_ key: String) throws -> Data? {
    try session.run { db in
      try db.rows("SELECT value FROM signalminer.blob WHERE study = \(study) AND key = \(key)").first?.decode(Data.self)
    }
  }

  /// Inserts a trial (the next id of this study) and its pending runs; nil when the configuration is stored.
  /// The caller holds the study's row lock, so ids are allocated one writer at a time.
  private func insertTrial(
    _ c: TrialConfiguration, sampler: String, engine: String, isBenchmark: Bool, splitCount: Int, _ db: PostgresConnection
  ) throws -> Int? {
    let id = try db.rows("SELECT COALESCE(MAX(id), 0) + 1 FROM signalminer.trial WHERE study = \(study)")[0].decode(Int.self)
    let inserted = try db.execute(
      """
      INSERT INTO signalminer.trial (study, id, config, sampler, engine, is_benchmark)
      VALUES (\(study), \(id), \(c.json), \(sampler), \(engine), \(isBenchmark)) ON CONFLICT (study, config) DO NOTHING
      """)
    guard inserted == 1 else { return nil }
    try db.execute(
      """
      INSERT INTO signalminer.split_run (study, trial, split, status)
      SELECT \(study), \(id), s, 'pending' FROM generate_series(0, \(splitCount - 1)) AS s
      """)
    return id
  }

  func meta(_ key: String) throws -> String? {
    try session.run { db in
      try db.rows("SELECT value FROM signalminer.meta WHERE study = \(study) AND key = \(key)").first?.decode(String.self)
    }
  }

  // MARK: - StudyStore

  public func layout() throws -> StudyLayout {
    let meta = try session.run { db in
      Dictionary(uniqueKeysWithValues: try db.rows("SELECT key, value FROM signalminer.meta WHERE study = \(study)").map {
        try $0.decode((String, String).self)
      })
    }
    var layout = try StudyMeta.layout(meta)
    for s in layout.splitTargets.indices {
      layout.splitTargets[s].labels = (try blob("labels/\(s)") ?? Data()).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
      if let ids = try blob("ids/\(s)"), !ids.isEmpty {
        layout.splitTargets[s].ids = String(decoding: ids, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      }
    }
    return layout
  }

  public func trials() throws -> [StoredTrial] {
    try session.run { db in
      try db.rows("SELECT id, config, sampler, engine, is_benchmark FROM signalminer.trial WHERE study = \(study) ORDER BY id").map {
        let (id, config, sampler, engine, isBenchmark) = try $0.decode((Int, String, String, String, Bool).self)
        return StoredTrial(
          id: id, configuration: try TrialConfiguration(json: config), sampler: sampler, engine: engine, isBenchmark: isBenchmark)
      }
    }
  }

  public func addTrials(_ configurations: [TrialConfiguration], sampler: String, engine: String, sampledLimit: Int) throws -> [Int] {
    let splitCount = try layout().splits.count
    return try session.transaction { db in
      try db.execute("SELECT name FROM signalminer.study WHERE name = \(study) FOR UPDATE")
      let sampled = try db.rows("SELECT COUNT(*) FROM signalminer.trial WHERE study = \(study) AND NOT is_benchmark")[0].decode(Int.self)
      var room = sampledLimit - sampled
      var ids: [Int] = []
      for c in configurations where room > 0 {
        guard let id = try insertTrial(c, sampler: sampler, engine: engine, isBenchmark: false, splitCount: splitCount, db) else { continue }
        ids.append(id)
        room -= 1
      }
      return ids
    }
  }

  public func claim(for worker: StudyWorker, lease: TimeInterval) throws -> SplitClaim? {
    let claimed = try session.run { db in
      try db.rows(
        """
        WITH next AS (
          SELECT trial, split, owner, lease_until FROM signalminer.split_run
          WHERE study = \(study) AND (status = 'pending' OR (status = 'running' AND lease_until < now()))
          ORDER BY status = 'running', trial, split LIMIT 1 FOR UPDATE SKIP LOCKED),
        claimed AS (
          UPDATE signalminer.split_run r SET status = 'running', owner = \(worker.identity), heartbeat = now(),
            lease_until = now() + make_interval(secs => \(lease)), claims = r.claims + 1
          FROM next WHERE r.study = \(study) AND r.trial = next.trial AND r.split = next.split
          RETURNING r.trial, r.split, next.owner AS previous_owner, next.lease_until AS previous_lease_until),
        logged AS (
          INSERT INTO signalminer.claim_log (study, trial, split, owner, claimed_at, reason, previous_owner, previous_lease_until)
          SELECT \(study), trial, split, \(worker.identity), now(), CASE WHEN previous_owner IS NULL THEN 'pending' ELSE 'expired' END,
            previous_owner, previous_lease_until FROM claimed)
        SELECT trial, split FROM claimed
        """
      ).first?.decode((Int, Int).self)
    }
    if let claimed { return SplitClaim(trial: claimed.0, split: claimed.1, owner: worker.identity) }
    return try claimFromGoneLocalProcess(for: worker, lease: lease)
  }

  /// The fast path: a run held by a process of this host that no longer exists is claimed at once (a pid means
  /// nothing on another host, so other hosts' runs wait for their leases).
  private func claimFromGoneLocalProcess(for worker: StudyWorker, lease: TimeInterval) throws -> SplitClaim? {
    let prefix = "\(StudyWorker.current.host):%"
    let held = try session.run { db in
      try db.rows(
        "SELECT trial, split, owner FROM signalminer.split_run WHERE study = \(study) AND status = 'running' AND owner LIKE \(prefix) ORDER BY trial, split"
      ).map { try $0.decode((Int, Int, String).self) }
    }
    for (trial, split, owner) in held where StudyWorker(identity: owner)?.isGoneFromThisHost == true {
      let taken = try session.run { db in
        try db.rows(
          """
          WITH taken AS (
            UPDATE signalminer.split_run SET owner = \(worker.identity), heartbeat = now(),
              lease_until = now() + make_interval(secs => \(lease)), claims = claims + 1
            WHERE study = \(study) AND trial = \(trial) AND split = \(split) AND status = 'running' AND owner = \(owner)
            RETURNING trial)
          INSERT INTO signalminer.claim_log (study, trial, split, owner, claimed_at, reason, previous_owner)
          SELECT \(study), \(trial), \(split), \(worker.identity), now(), 'owner gone', \(owner) FROM taken RETURNING trial
          """
        ).count
      }
      if taken == 1 { return SplitClaim(trial: trial, split: split, owner: worker.identity) }
    }
    return nil
  }

  public func heartbeat(_ claim: SplitClaim, lease: TimeInterval) throws -> Bool {
    try session.run { db in
      try db.execute(
        """
        UPDATE signalminer.split_run SET heartbeat = now(), lease_until = now() + make_interval(secs => \(lease))
        WHERE study = \(study) AND trial = \(claim.trial) AND split = \(claim.split) AND owner = \(claim.owner) AND status = 'running'
        """) == 1
    }
  }

  public func release(_ claim: SplitClaim) throws {
    try session.run { db in
      try db.execute(
        """
        UPDATE signalminer.split_run SET status = 'pending', owner = NULL, lease_until = NULL
        WHERE study = \(study) AND trial = \(claim.trial) AND split = \(claim.split) AND owner = \(claim.owner) AND status = 'running'
        """)
    }
  }

  public func complete(_ claim: SplitClaim, predictions: [Double], seconds: Double) throws -> Bool {
    let blob = predictions.map { Float16(Float($0)) }.withUnsafeBytes { Data($0) }
    return try session.run { db in
      try db.execute(
        """
        UPDATE signalminer.split_run SET status = 'done', predictions = \(blob), seconds = \(seconds), owner = NULL, lease_until = NULL
        WHERE study = \(study) AND trial = \(claim.trial) AND split = \(claim.split) AND owner = \(claim.owner) AND status = 'running'
        """) == 1
    }
  }

  public func predictions(trial: Int, split: Int) throws -> [Float]? {
    let data = try session.run { db in
      try db.rows(
        "SELECT predictions FROM signalminer.split_run WHERE study = \(study) AND trial = \(trial) AND split = \(split) AND status = 'done'"
      ).first?.decode(Data.self)
    }
    return data.map { $0.withUnsafeBytes { raw in raw.bindMemory(to: Float16.self).map { Float($0) } } }
  }

  public func saveSamplerState(_ name: String, _ bytes: [UInt8]) throws {
    try session.run { db in try putBlob("sampler/\(name)", Data(bytes), db) }
  }

  public func samplerState(_ name: String) throws -> [UInt8]? {
    try blob("sampler/\(name)").map { [UInt8]($0) }
  }

  public func saveHoldoutScores(_ scores: [HoldoutScore]) throws {
    let encoded = try scores.map { ($0.name, try JSONEncoder().encode($0)) }
    try session.transaction { db in
      for (name, json) in encoded { try putBlob("holdout/\(name)", json, db) }
    }
  }

  public func holdoutScores() throws -> [HoldoutScore] {
    let stored = try session.run { db in
      try db.rows("SELECT value FROM signalminer.blob WHERE study = \(study) AND key LIKE 'holdout/%' ORDER BY key").map {
        try $0.decode(Data.self)
      }
    }
    return try stored.map { try JSONDecoder().decode(HoldoutScore.self, from: $0) }
  }

  public func splitRuns(status: TrialState?) throws -> [SplitRun] {
    let every = status == nil
    let wanted = status?.rawValue ?? ""
    return try session.run { db in
      try db.rows(
        """
        SELECT trial, split, status, owner, EXTRACT(EPOCH FROM lease_until)::float8, seconds, claims
        FROM signalminer.split_run WHERE study = \(study) AND (\(every) OR status = \(wanted))
        ORDER BY trial, split
        """
      ).map {
        let (trial, split, status, owner, leaseUntil, seconds, claims) = try $0.decode((Int, Int, String, String?, Double?, Double?, Int).self)
        return SplitRun(
          trial: trial, split: split, state: TrialState(rawValue: status) ?? .pending, owner: owner, leaseUntil: leaseUntil,
          seconds: seconds, claims: claims)
      }
    }
  }

  public func progress() throws -> StudyProgress {
    try session.run { db in
      let row = try db.rows(
        """
        SELECT
          (SELECT COUNT(*) FROM signalminer.trial t WHERE t.study = \(study) AND NOT EXISTS (
            SELECT 1 FROM signalminer.split_run s WHERE s.study = t.study AND s.trial = t.id AND s.status != 'done')),
          (SELECT COUNT(*) FROM signalminer.trial WHERE study = \(study)),
          COUNT(*) FILTER (WHERE status = 'done'), COUNT(*), COUNT(*) FILTER (WHERE status = 'running'),
          COALESCE(SUM(seconds) FILTER (WHERE status = 'done'), 0)
        FROM signalminer.split_run WHERE study = \(study)
        """)[0]
      let (done, total, splitsDone, splitsTotal, running, seconds) = try row.decode((Int, Int, Int, Int, Int, Double).self)
      return StudyProgress(
        done: done, total: total, splitsDone: splitsDone, splitsTotal: splitsTotal, running: running, secondsTrained: seconds)
    }
  }
}
