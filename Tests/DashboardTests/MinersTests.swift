import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Mining
import NumeraiData
import Scoring
import TestSupport
import Testing

/// The overview's miners come from the running split runs' owners and leases.
@Suite struct MinersTests {
  /// A new study on 30 synthetic eras (2 splits, gap 2), nothing trained.
  static func tinyStudy(at path: String) throws -> Study {
    let dataset = try SyntheticNumerai(
      .init(eras: 30, rowsPerEra: 20, features: 4, targets: 1, seed: 1, validationEras: 5)
    ).train
    return try Study.create(
      path, dataset: dataset, files: ["synthetic"], splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: dataset.eras),
      benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
  }

  @Test func aClaimedRunShowsItsMinerTrialAndHeartbeat() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let study = try Self.tinyStudy(at: dir.file("m.sqlite"))
    let claimedFrom = Date().timeIntervalSince1970
    let claim = try #require(try study.store.claim(for: StudyWorker(host: "rig-7", pid: 4242), lease: 120))
    let claimedUntil = Date().timeIntervalSince1970
    #expect(claim.trial == 1 && claim.split == 0)
    let cache = StudyCache(study: study, location: dir.file("m.sqlite"))
    let app = Application(
      router: Dashboard.router(cache: cache, configuration: DashboardConfiguration(studyPath: dir.file("m.sqlite"))))
    try await app.test(.router) { client in
      let (_, json, _) = try await client.get("/api/overview")
      let overview = try JSONDecoder().decode(Overview.self, from: Data(json.utf8))
      let miner = try #require(overview.miners.first)
      #expect(overview.miners.count == 1 && overview.running == 1)
      #expect(miner.host == "rig-7" && miner.pid == 4242 && miner.runs == ["1/0"] && miner.trials == [1])
      let heartbeat = try #require(miner.lastHeartbeat)
      // The claim's own time, however long the request waited (a loaded machine can delay it by minutes).
      #expect(heartbeat >= claimedFrom - 1 && heartbeat <= claimedUntil + 1, "the heartbeat is the claim's time")
      let (_, page, _) = try await client.get("/")
      #expect(
        page.contains("<td class=\"left\">rig-7</td><td>4242</td><td class=\"left\"><a href=\"/trial/1\">1/0</a></td>"))
    }
  }
}
