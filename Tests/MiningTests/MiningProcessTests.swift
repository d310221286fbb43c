import Foundation
import GRDB
import TestSupport
import Testing

@testable import Mining

/// `signal-miner mine` as separate processes: killed and resumed, and two at once on one study.
@Suite(.serialized) struct MiningProcessTests {
  /// Synthetic data and a small space; returns the mine command's arguments.
  static let plainSpace =
    #"{"n_estimators": [150, 200, 250], "learning_rate": [0.01, 0.02, 0.05], "num_leaves": [4, 8, 16], "max_depth": [3, 4, 5], "colsample_bytree": [0.3, 0.6]}"#

  static func prepare(_ dir: TemporaryDirectory, trials: Int, space: String = plainSpace) throws -> [String] {
    let synth = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("d"), "--eras", "60", "--rows-per-era", "250", "--features", "24",
       "--validation-eras", "20", "--seed", "4"])
    #expect(synth.status == 0, "\(synth.stderr)")
    try space.write(toFile: dir.file("space.json"), atomically: true, encoding: .utf8)
    return ["mine", "--study", dir.file("s.sqlite"), "--data", dir.file("d_train.parquet"), "--data",
            dir.file("d_validation.parquet"), "--space", dir.file("space.json"), "--trials", "\(trials)", "--jobs", "1",
            "--splits", "2", "--gap", "4", "--benchmark", "n_estimators=200,learning_rate=0.02", "--seed", "3"]
  }

  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLineTool.path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func splitsDone(_ path: String) -> Int {
    (try? SQLiteStudyStore.open(path: path).progress().splitsDone) ?? 0
  }

  /// Whether at least `done` splits are finished and the miner holds a claim (so a kill lands mid-split, not in
  /// the instant between finishing one split and claiming the next).
  static func midSplit(_ path: String, after done: Int) -> Bool {
    guard let p = try? SQLiteStudyStore.open(path: path).progress() else { return false }
    return p.splitsDone >= done && p.running == 1
  }

  /// Waits until `miner` holds a claim after `done` splits, then stops it (SIGSTOP) and checks again that it still
  /// holds one — a split finishing between the look and the stop would otherwise make the kill land between
  /// splits. Returns whether the miner is stopped mid-split (false if it ended or the deadline passed).
  static func stopMidSplit(_ miner: Process, study path: String, after done: Int) -> Bool {
    let deadline = Date().addingTimeInterval(120)
    while miner.isRunning && Date() < deadline {
      if midSplit(path, after: done) {
        kill(miner.processIdentifier, SIGSTOP)
        if midSplit(path, after: done) { return true }
        kill(miner.processIdentifier, SIGCONT)
      }
      usleep(5_000)
    }
    return false
  }

  @Test func killedMidRunThenResumedLosesNothingAndRepeatsNothing() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let arguments = try Self.prepare(dir, trials: 10)
    let miner = try Self.start(arguments)
    #expect(Self.stopMidSplit(miner, study: dir.file("s.sqlite"), after: 4), "the run must still be going when killed")
    kill(miner.processIdentifier, SIGKILL)
    miner.waitUntilExit()
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    let before = try study.trials()
    #expect(before.count == 11)
    var stored: [[Int]: [Float]] = [:]
    for t in before { for s in 0..<2 { if let p = try study.predictions(trial: t.id, split: s) { stored[[t.id, s]] = p } } }
    let progress = try study.progress()
    #expect(progress.splitsDone >= 4 && progress.splitsDone < 22)
    #expect(progress.running == 1, "the killed miner's split is left claimed")

    let resumed = try CommandLineTool.run(arguments)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let after = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    #expect(try after.trials() == before, "the same configurations, none re-sampled")
    let final = try after.progress()
    #expect(final.done == 11 && final.splitsDone == 22 && final.running == 0)
    for (key, predictions) in stored {
      #expect(try after.predictions(trial: key[0], split: key[1]) == predictions, "finished split \(key) untouched")
    }
    // Every split trained once, except the one the killed miner held (claimed again after its owner died).
    let claims = try after.claimCounts()
    #expect(claims.values.filter { $0 == 2 }.count == 1)
    #expect(claims.values.allSatisfy { $0 == 1 || $0 == 2 })
    for key in stored.keys { #expect(claims[key] == 1) }
  }

  @Test func ctrlCStopsCleanlyAndGivesTheClaimedSplitBack() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let arguments = try Self.prepare(dir, trials: 10)
    let miner = try Self.start(arguments)
    #expect(Self.stopMidSplit(miner, study: dir.file("s.sqlite"), after: 2))
    kill(miner.processIdentifier, SIGINT)
    kill(miner.processIdentifier, SIGCONT)
    miner.waitUntilExit()
    #expect(miner.terminationStatus == 130)
    let progress = try SQLiteStudyStore.open(path: dir.file("s.sqlite")).progress()
    #expect(progress.running == 0, "the claimed split was given back")
    #expect(progress.splitsDone >= 2 && progress.splitsDone < progress.splitsTotal)
  }

  @Test func twoMinersShareOneStudyWithoutTrainingASplitTwice() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let arguments = try Self.prepare(dir, trials: 8)
    // The first creates the study; the second joins it.
    let first = try Self.start(arguments)
    while !FileManager.default.fileExists(atPath: dir.file("s.sqlite")) || Self.splitsDone(dir.file("s.sqlite")) < 1 {
      usleep(20_000)
      if !first.isRunning { break }
    }
    let second = try Self.start(arguments)
    first.waitUntilExit()
    second.waitUntilExit()
    #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    let progress = try study.progress()
    #expect(progress.done == 9 && progress.splitsDone == 18)
    #expect(try study.claimCounts().values.allSatisfy { $0 == 1 })
    // Both did work: results show every trial scored, the benchmark flagged.
    let results = try CommandLineTool.run(["results", "--study", dir.file("s.sqlite"), "--json"])
    let rows = try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as! [[String: Any]]
    #expect(rows.count == 9)
    #expect(rows.filter { $0["is_benchmark"] as? Bool == true }.count == 1)
    for key in ["whole_corr", "whole_sharpe", "validation_sharpe", "test_sharpe", "whole_mmc", "benchmark_correlation"] {
      #expect(rows.allSatisfy { $0[key] is Double }, "\(key)")
    }
    let json = try CommandLineTool.run(["progress", "--study", dir.file("s.sqlite"), "--json"])
    let p = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect(p["done"] as? Int == 9 && p["total"] as? Int == 9)
  }

  @Test func aStudyRefusesOtherData() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var arguments = try Self.prepare(dir, trials: 1)
    let first = try CommandLineTool.run(arguments)
    #expect(first.status == 0, "\(first.stderr)")
    // Same study, only the training file: other rows and eras.
    arguments.removeSubrange(arguments.firstIndex(of: dir.file("d_validation.parquet"))! - 1...arguments.firstIndex(of: dir.file("d_validation.parquet"))!)
    let second = try CommandLineTool.run(arguments)
    #expect(second.status == 1)
    #expect(second.stderr.contains("was created on other data"), "\(second.stderr)")
    #expect(second.stderr.split(separator: "\n").count == 1)
  }
}

@Suite struct ExportAndSubmissionTests {
  @Test func exportChecksRefitsAndPredictsAValidSubmission() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 2)
    #expect(try CommandLineTool.run(mine).status == 0)
    let data = ["--data", dir.file("d_train.parquet"), "--data", dir.file("d_validation.parquet")]
    let export = try CommandLineTool.run(["export", "--study", dir.file("s.sqlite"), "--trials", "2,3", "--out", dir.file("ens")] + data)
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stderr.contains("trial 2: refit on the last fold reproduces its"))
    for file in ["ensemble.json", "model-2.smm", "model-2.txt", "model-3.smm", "model-3.txt", "features-raw.json"] {
      #expect(FileManager.default.fileExists(atPath: dir.file("ens/\(file)")), "\(file)")
    }
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("ens/ensemble.json")))) as! [String: Any]
    let members = manifest["members"] as! [[String: Any]]
    #expect(members.map { $0["engine"] as? String } == ["gbdt", "gbdt"])
    #expect(members.map { $0["features"] as? String } == ["raw", "raw"])
    #expect(members.map { $0["featuresFile"] as? String } == ["features-raw.json", "features-raw.json"])
    let byDefault = try CommandLineTool.run(["export", "--study", dir.file("s.sqlite"), "--trials", "2", "--out", dir.file("ens-default")])
    #expect(byDefault.status == 0, "without --data, the study's own files: \(byDefault.stderr)")
    let predict = try CommandLineTool.run(
      ["predict", "--model", dir.file("ens"), "--data", dir.file("d_validation.parquet"), "--out", dir.file("sub.csv")])
    #expect(predict.status == 0, "\(predict.stderr)")
    let lines = try String(contentsOfFile: dir.file("sub.csv"), encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "id,prediction")
    let rows = lines.dropFirst().map { $0.split(separator: ",") }
    #expect(rows.count == 20 * 250)
    #expect(Set(rows.map { $0[0] }).count == rows.count)
    let values = rows.map { Double($0[1])! }
    #expect(values.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(Set(values).count > 100)
    // An ensemble written before engines and feature stages were recorded predicts the same.
    let legacy = members.map { m in m.filter { !["engine", "features", "featuresFile"].contains($0.key) } }
    var old = manifest
    old["members"] = legacy
    try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: dir.file("ens/ensemble.json")))
    try FileManager.default.removeItem(atPath: dir.file("ens/features-raw.json"))
    let again = try CommandLineTool.run(
      ["predict", "--model", dir.file("ens"), "--data", dir.file("d_validation.parquet"), "--out", dir.file("sub2.csv")])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try String(contentsOfFile: dir.file("sub2.csv"), encoding: .utf8) == String(contentsOfFile: dir.file("sub.csv"), encoding: .utf8))
  }

  @Test func aTamperedStudyFailsTheSafetyCheck() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 1)
    #expect(try CommandLineTool.run(mine).status == 0)
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    var stored = try #require(try study.predictions(trial: 2, split: 1))
    stored[0] += 0.5
    let blob = stored.map { Float16($0) }.withUnsafeBytes { Data($0) }
    try study.database.write { db in
      try db.execute(sql: "UPDATE split_run SET predictions = ? WHERE trial = 2 AND split = 1", arguments: [blob])
    }
    let export = try CommandLineTool.run(
      ["export", "--study", dir.file("s.sqlite"), "--trials", "2", "--out", dir.file("ens"), "--data",
       dir.file("d_train.parquet"), "--data", dir.file("d_validation.parquet")])
    #expect(export.status == 1)
    #expect(export.stderr.contains("safety check failed for trial 2: the refit on the last fold differs from the study's predictions in 1 of"), "\(export.stderr)")
  }
}

@Suite struct MetaModelResultsTests {
  /// The benchmark's own out-of-fold predictions given as the meta model must give the same MMC as the
  /// benchmark; ids the study lacks are ignored; a file with none of the study's ids is one clear error.
  @Test func mmcAgainstAMetaModelFileMatchesTheBenchmarksWhenItIsTheBenchmark() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 3)
    #expect(try CommandLineTool.run(mine).status == 0)
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    let benchmark = try study.trials().first { $0.isBenchmark }!
    var csv = "id,numerai_meta_model\nnot_in_the_study,0.5\n"
    for (s, split) in try study.layout().splitTargets.enumerated() {
      #expect(split.ids.count == split.labels.count && !split.ids.isEmpty)
      let predictions = try study.predictions(trial: benchmark.id, split: s)!
      for (id, p) in zip(split.ids, predictions) { csv += "\(id),\(Double(p))\n" }
    }
    try csv.write(toFile: dir.file("meta.csv"), atomically: true, encoding: .utf8)
    func rows(_ extra: [String]) throws -> [Int: [String: Any]] {
      let run = try CommandLineTool.run(["results", "--study", dir.file("s.sqlite"), "--json"] + extra)
      #expect(run.status == 0, "\(run.stderr)")
      let list = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
      return Dictionary(uniqueKeysWithValues: list.map { (($0["id"] as! NSNumber).intValue, $0) })
    }
    let plain = try rows([])
    let meta = try rows(["--meta-model", dir.file("meta.csv")])
    #expect(plain.count == 4 && meta.count == 4)
    for (id, row) in plain where row["is_benchmark"] as? Bool == false {
      #expect(row["mmc_against"] as? String == "benchmark" && meta[id]!["mmc_against"] as? String == "meta_model")
      for key in ["validation_mmc", "test_mmc", "whole_mmc"] {
        let a = row[key] as! Double
        let b = meta[id]![key] as! Double
        #expect(abs(a - b) <= 1e-12, "trial \(id) \(key): \(a) vs \(b)")
      }
      #expect(abs((row["whole_mmc"] as! Double)) > 1e-6, "MMC is not trivially zero")
    }
    try "id,numerai_meta_model\nx1,0.1\nx2,0.2\n".write(toFile: dir.file("other.csv"), atomically: true, encoding: .utf8)
    let refused = try CommandLineTool.run(["results", "--study", dir.file("s.sqlite"), "--meta-model", dir.file("other.csv")])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("other.csv") && refused.stderr.contains("none of the study's"), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count == 1)
  }
}

@Suite struct HoldoutCommandTests {
  /// `mine --sealed-eras` keeps them out of the study; `holdout` scores trials and their ensemble on them.
  @Test func sealedErasAreMinedAroundAndHoldoutScoresThem() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 2) + ["--sealed-eras", "8"]
    let mined = try CommandLineTool.run(mine)
    #expect(mined.status == 0, "\(mined.stderr)")
    // On a pipe, one progress line per finished trial (and one at the start).
    let done = mined.stderr.split(separator: "\n").filter { $0.contains("trials done") }.map { $0.prefix { $0 != "/" } }
    #expect(done == ["0", "1", "2", "3"], "\(mined.stderr)")
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite")).layout()
    #expect(study.sealedEras.count == 8)
    #expect(study.splits.allSatisfy { Set($0.trainEras + $0.testEras).isDisjoint(with: study.sealedEras) })
    let data = ["--data", dir.file("d_train.parquet"), "--data", dir.file("d_validation.parquet")]
    let holdout = try CommandLineTool.run(
      ["holdout", "--study", dir.file("s.sqlite"), "--trials", "2,3", "--ensemble", "--json"] + data)
    #expect(holdout.status == 0, "\(holdout.stderr)")
    let rows = try JSONSerialization.jsonObject(with: Data(holdout.stdout.utf8)) as! [[String: Any]]
    #expect(rows.map { $0["name"] as? String } == ["benchmark", "trial 2", "trial 3", "ensemble 2+3"])
    #expect(rows.allSatisfy { $0["corr"] is Double && $0["sharpe"] is Double && ($0["per_era_corr"] as? [String: Double])?.count == 8 })
    // Without --data, the files the study was mined on; other data is refused in one line.
    let table = try CommandLineTool.run(["holdout", "--study", dir.file("s.sqlite"), "--trials", "2"])
    #expect(table.status == 0 && table.stdout.contains("sealed eras") && table.stdout.contains("trial 2"), "\(table.stdout)")
    let other = try CommandLineTool.run(["holdout", "--study", dir.file("s.sqlite"), "--trials", "2", "--data", dir.file("d_train.parquet")])
    #expect(other.status == 1 && other.stderr.contains("is not what") && other.stderr.split(separator: "\n").count == 1, "\(other.stderr)")
    // Another sealing on the same study, and a study without sealed eras, are one clear line each.
    let resealed = try CommandLineTool.run(try MiningProcessTests.prepare(dir, trials: 2) + ["--sealed-eras", "5"])
    #expect(resealed.status == 1 && resealed.stderr.contains("was created with sealed eras"), "\(resealed.stderr)")
    var plain = try MiningProcessTests.prepare(dir, trials: 1)
    plain[plain.firstIndex(of: dir.file("s.sqlite"))!] = dir.file("plain.sqlite")
    #expect(try CommandLineTool.run(plain).status == 0)
    let refused = try CommandLineTool.run(["holdout", "--study", dir.file("plain.sqlite"), "--trials", "2"] + data)
    #expect(refused.status == 1 && refused.stderr.contains("has no sealed eras"), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count == 1)
  }
}
