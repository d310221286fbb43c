import Boosting
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Mining

/// A study written before the migrator (schema version 1, no leases, no engines) opens and works unchanged.
@Suite struct StudyMigrationTests {
  /// The first version's tables and rows, as its code wrote them: one split, the benchmark done, one trial
  /// whose run was left claimed by a miner whose heartbeat stopped long ago.
  static func writeVersionOneStudy(_ path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try db.execute(
        sql: """
          CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          CREATE TABLE trial (id INTEGER PRIMARY KEY, config TEXT NOT NULL UNIQUE, sampler TEXT NOT NULL,
            is_benchmark INTEGER NOT NULL, created REAL NOT NULL);
          CREATE TABLE split_run (trial INTEGER NOT NULL, split INTEGER NOT NULL, status TEXT NOT NULL, owner TEXT,
            heartbeat REAL, seconds REAL, claims INTEGER NOT NULL DEFAULT 0, predictions BLOB, PRIMARY KEY (trial, split));
          CREATE TABLE blob (key TEXT PRIMARY KEY, value BLOB NOT NULL);
          INSERT INTO meta VALUES ('fingerprint', '{"eras":2,"features":["feature_a"],"files":["x.parquet"],"rows":6}');
          INSERT INTO meta VALUES ('splits', '[{"testEras":["0002"],"trainEras":["0001"]}]');
          INSERT INTO meta VALUES ('split_targets', '[{"eras":["0002"],"rowsPerEra":[3]}]');
          INSERT INTO meta VALUES ('scoring_target', 'target');
          INSERT INTO trial VALUES (1, '{"num_leaves":15,"target":"target"}', 'benchmark', 1, 0);
          INSERT INTO trial VALUES (2, '{"learning_rate":0.01,"num_leaves":4,"target":"target"}', 'uniform', 0, 0);
          INSERT INTO split_run VALUES (1, 0, 'done', NULL, 5, 1.5, 1, NULL);
          INSERT INTO split_run VALUES (2, 0, 'running', 'far-away-host:77', 1000, NULL, 1, NULL);
          """)
      try db.execute(sql: "UPDATE split_run SET predictions = ? WHERE trial = 1", arguments: [[Float16(0.25), 0.5, 0.75].withUnsafeBytes { Data($0) }])
      let parameters = String(decoding: try JSONEncoder().encode(BoostingParameters()), as: UTF8.self)
      try db.execute(sql: "INSERT INTO meta VALUES ('benchmark_parameters', ?)", arguments: [parameters])
      try db.execute(sql: "INSERT INTO blob VALUES ('labels/0', ?)", arguments: [[Float(0), 0.5, 1].withUnsafeBytes { Data($0) }])
    }
  }

  @Test func aVersionOneStudyOpensWithItsTrialsAndPredictionsAndAnOldClaimExpires() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeVersionOneStudy(dir.file("old.sqlite"))
    let store = try SQLiteStudyStore.open(path: dir.file("old.sqlite"))
    let trials = try store.trials()
    #expect(trials.map(\.id) == [1, 2] && trials.allSatisfy { $0.engine == "gbdt" })
    #expect(trials[1].configuration == TrialConfiguration(values: ["learning_rate": 0.01, "num_leaves": 4], target: "target"))
    #expect(try store.predictions(trial: 1, split: 0) == [0.25, 0.5, 0.75])
    let layout = try store.layout()
    #expect(layout.splitTargets[0].labels == [0, 0.5, 1] && layout.splitTargets[0].ids.isEmpty)
    #expect(try store.progress() == StudyProgress(done: 1, total: 2, splitsDone: 1, splitsTotal: 2, running: 1, secondsTrained: 1.5))
    // The old claim has no lease column: it expires `legacyLease` after its heartbeat (long past).
    let claim = try #require(try store.claim(for: StudyWorker(host: "h", pid: 1), lease: 60))
    #expect(claim.trial == 2 && claim.split == 0)
    let applied = try store.database.read { db in try SQLiteStudySchema.migrator.appliedIdentifiers(db) }
    #expect(applied == Set(SQLiteStudySchema.migrator.migrations))
    // Opening again (migrations already applied) changes nothing.
    #expect(try SQLiteStudyStore.open(path: dir.file("old.sqlite")).trials() == trials)
  }
}
