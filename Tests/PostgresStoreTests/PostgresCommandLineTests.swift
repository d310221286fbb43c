import Foundation
import Mining
import TestSupport
import Testing

@testable import PostgresStore

extension PostgresServerTests {
  /// The command line on PostgreSQL studies: every command that opens a study, `study copy` both ways, and
  /// what is printed never holding a credential.
  @Suite struct Commands {
    @Test func everyStudyCommandWorksOnAPostgresStudy() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes)
      let mined = try processes.run("mine", study.mine(trials: 3) + ["--sealed-eras", "4"])
      #expect(mined.status == 0, "\(mined.stderr)")
      let data = ["--data", "\(dir.path)/d_train.parquet", "--data", "\(dir.path)/d_validation.parquet"]
      let progress = try processes.run("progress", ["progress", "--study", study.url, "--json"])
      let p = try JSONSerialization.jsonObject(with: Data(progress.stdout.utf8)) as? [String: Any]
      #expect(p?["done"] as? Int == 4 && p?["splits_done"] as? Int == 8, "\(progress.stdout) \(progress.stderr)")
      let results = try processes.run("results", ["results", "--study", study.url, "--json"])
      #expect((try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [[String: Any]])?.count == 4, "\(results.stderr)")
      let report = try processes.run("report", ["report", "--study", study.url, "--out", "\(dir.path)/r.html"])
      #expect(report.status == 0 && FileManager.default.fileExists(atPath: "\(dir.path)/r.html"), "\(report.stderr)")
      let select = try processes.run("select", ["select", "--study", study.url, "--count", "2", "--json"])
      #expect(select.status == 0, "\(select.stderr)")
      let export = try processes.run("export", ["export", "--study", study.url, "--trials", "2", "--out", "\(dir.path)/ens"] + data)
      #expect(export.status == 0 && FileManager.default.fileExists(atPath: "\(dir.path)/ens/ensemble.json"), "\(export.stderr)")
      let holdout = try processes.run("holdout", ["holdout", "--study", study.url, "--trials", "2", "--json"] + data)
      #expect(holdout.status == 0, "\(holdout.stderr)")
      #expect(try study.store()?.holdoutScores().map(\.name) == ["benchmark", "trial 2"])
    }

    @Test func studyCopyRoundTripsSQLiteToPostgresAndBack() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let study = try MiningFixture(processes)
      let sqlite = "\(dir.path)/s.sqlite"
      var mine = study.mine(trials: 4) + ["--sealed-eras", "4"]
      mine[mine.firstIndex(of: study.url)!] = sqlite
      #expect(try processes.run("mine", mine).status == 0)
      // Uniform keeps no state; a learning sampler's would be stored like this (gfn is too slow to mine here).
      try SQLiteStudyStore.open(path: sqlite).saveSamplerState("uniform", Array(0...255))
      let data = ["--data", "\(dir.path)/d_train.parquet", "--data", "\(dir.path)/d_validation.parquet"]
      #expect(try processes.run("holdout", ["holdout", "--study", sqlite, "--trials", "2,3", "--json"] + data).status == 0)
      let there = try processes.run("copy-there", ["study", "copy", "--from", sqlite, "--to", study.url])
      #expect(there.status == 0 && there.stderr.contains("copied 5 trials, 10 finished splits, 1 sampler states, 3 holdout scores"), "\(there.stderr)")
      let back = "\(dir.path)/back.sqlite"
      let again = try processes.run("copy-back", ["study", "copy", "--from", study.url, "--to", back])
      #expect(again.status == 0, "\(again.stderr)")
      func results(_ location: String) throws -> String { try processes.run("results", ["results", "--study", location, "--json"]).stdout }
      let original = try results(sqlite)
      #expect(!original.isEmpty)
      #expect(try results(study.url) == original)
      #expect(try results(back) == original)
      let (a, b) = (try SQLiteStudyStore.open(path: sqlite), try SQLiteStudyStore.open(path: back))
      #expect(try a.layout() == b.layout() && a.trials() == b.trials() && a.holdoutScores() == b.holdoutScores())
      #expect(try b.samplerState("uniform") == Array(0...255))
      for run in try a.splitRuns() {
        #expect(try a.predictions(trial: run.trial, split: run.split) == b.predictions(trial: run.trial, split: run.split))
      }
      let refused = try processes.run("copy-again", ["study", "copy", "--from", sqlite, "--to", study.url])
      #expect(refused.status == 1 && refused.stderr.contains("already holds trials"), "\(refused.stderr)")
    }

    @Test func noCredentialInMessagesProgressResultsOrReport() throws {
      let dir = try TemporaryDirectory()
      let processes = ChildProcesses(directory: dir.path)
      defer {
        processes.killAll()
        dir.remove()
      }
      let secret = "s3cret-\(UUID().uuidString.prefix(6))"
      let withPassword = ["PGPASSWORD": secret]
      let study = try MiningFixture(processes)
      #expect(try processes.run("mine", study.mine(trials: 2), environment: withPassword).status == 0)
      var printed: [String] = []
      for (name, arguments) in [
        ("progress", ["progress", "--study", study.url]), ("results", ["results", "--study", study.url]),
        ("report", ["report", "--study", study.url, "--out", "\(dir.path)/r.html"]),
        ("missing", ["progress", "--study", TestPostgres.study("no-such-study")]),
      ] {
        let run = try processes.run(name, arguments, environment: withPassword)
        printed += [run.stdout, run.stderr]
      }
      printed.append(try String(contentsOfFile: "\(dir.path)/r.html", encoding: .utf8))
      let unreachable = try processes.run(
        "unreachable", ["progress", "--study", "postgresql://signalminer@127.0.0.1:1/signalminer?study=x"],
        environment: withPassword.merging(["SIGNALMINER_PG_RETRY_SECONDS": "1"]) { $1 }, timeout: 60)
      #expect(unreachable.status == 1 && unreachable.stderr.contains("did not answer"), "\(unreachable.stderr)")
      #expect(unreachable.stderr.split(separator: "\n").count == 1, "one line: \(unreachable.stderr)")
      let inURL = try processes.run("in-url", ["progress", "--study", "postgresql://signalminer:\(secret)@127.0.0.1:54329/signalminer?study=x"])
      #expect(inURL.status == 1 && inURL.stderr.contains("PGPASSWORD"), "\(inURL.stderr)")
      printed += [unreachable.stderr, inURL.stdout, inURL.stderr]
      for text in printed { #expect(!text.contains(secret), "printed the password: \(text.prefix(300))") }
    }
  }
}
