import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Mining
import Testing

/// Every route of the dashboard through HummingbirdTesting's client on a small mined study.
@Suite struct DashboardRouteTests {
  @Test func everyPageAnswersWithTheStudysNumbers() async throws {
    let fixture = try DashboardFixture.shared.get()
    let progress = try Study.open(fixture.path).store.progress()
    #expect(progress.done == 5 && progress.total == 6)
    let (app, _) = try fixture.application()
    try await app.test(.router) { client in
      let (status, overview, _) = try await client.get("/")
      #expect(status == .ok)
      #expect(overview.contains("<div class=\"value\">5 / 6</div>"), "done / total")
      #expect(overview.contains("10 of 12 split runs finished"))
      let (_, leaderboard, _) = try await client.get("/leaderboard")
      #expect(leaderboard.contains("<span class=\"bench\">benchmark</span>"))
      #expect(leaderboard.contains("<a href=\"/trial/2\">2</a>"))
      let (_, charts, _) = try await client.get("/charts")
      #expect(charts.contains("Validation vs test Sharpe (5 trials)"))
      #expect(charts.contains("Cross-validation splits over"))
      #expect(charts.contains("Cumulative corr: top five and the benchmark"))
      let (trialStatus, trial, _) = try await client.get("/trial/2")
      #expect(trialStatus == .ok)
      #expect(
        trial.contains("<h1>Trial 2</h1>") && trial.contains("numerai corr per era") && trial.contains("Split runs"))
      let (_, sampler, _) = try await client.get("/sampler")
      #expect(
        sampler.contains("<h2>learning_rate</h2>") && sampler.contains("<h2>target</h2>"),
        "one marginal per parameter: \(sampler)")
      let (apiStatus, json, headers) = try await client.get("/api/overview")
      #expect(apiStatus == .ok && headers[.contentType] == "application/json")
      let decoded = try JSONDecoder().decode(Overview.self, from: Data(json.utf8))
      #expect(decoded.done == 5 && decoded.total == 6 && decoded.splitsDone == 10 && decoded.miners.isEmpty)
      #expect(decoded.cpuSeconds == progress.secondsTrained)
    }
  }

  @Test func theLeaderboardSortsFiltersAndPrintsTheExportLine() async throws {
    let fixture = try DashboardFixture.shared.get()
    let results = try Study.open(fixture.path).results()
    let (app, _) = try fixture.application()
    try await app.test(.router) { client in
      let (_, ascending, _) = try await client.get("/leaderboard?sort=id&order=asc")
      let positions = (1...6).map { ascending.range(of: "<a href=\"/trial/\($0)\">")!.lowerBound }
      #expect(positions == positions.sorted(), "trials in id order")
      let (_, bySharpe, _) = try await client.get("/leaderboard?sort=whole_sharpe")
      let order = results.filter { $0.wholeSharpe != nil }.sorted { $0.wholeSharpe! > $1.wholeSharpe! }.map(\.id)
      let shown = order.map { bySharpe.range(of: "<a href=\"/trial/\($0)\">")!.lowerBound }
      #expect(shown == shown.sorted(), "highest whole Sharpe first")
      let (_, beaters, _) = try await client.get("/leaderboard?beaters=1")
      let expected = results.filter { $0.beatsBenchmark || $0.isBenchmark }.count
      #expect(beaters.contains("\(expected) trials shown"))
      #expect(beaters.contains("--better-than-benchmark"))
      let (_, picked, _) = try await client.get("/leaderboard?pick=2&pick=4")
      #expect(picked.contains("signal-miner export --study \(fixture.path) --trials 2,4 --out models/ens1"))
      #expect(picked.contains("value=\"2\" checked"))
      let (_, firstThree, _) = try await client.get("/leaderboard?sort=whole_sharpe&rows=3&pick=\(order.last!)")
      #expect(firstThree.contains("the first 3 of \(results.count) trials shown"))
      #expect(firstThree.contains("href=\"/leaderboard?sort=whole_sharpe&amp;order=desc&amp;rows=all\">show all \(results.count)</a>"))
      #expect(order.prefix(3).allSatisfy { firstThree.contains("<a href=\"/trial/\($0)\">") })
      #expect(!firstThree.contains("<a href=\"/trial/\(order.last!)\">"), "the lowest is not shown")
      #expect(
        firstThree.contains("<input type=\"hidden\" class=\"pick\" name=\"pick\" value=\"\(order.last!)\"/>"),
        "a ticked trial beyond the rows shown stays ticked")
      let (_, all, _) = try await client.get("/leaderboard?rows=all")
      #expect(all.contains("\(results.count) trials shown"))
    }
  }

  @Test func aHostileConfigurationIsEscapedEverywhere() async throws {
    let fixture = try DashboardFixture.shared.get()
    let (app, _) = try fixture.application()
    try await app.test(.router) { client in
      for uri in ["/trial/\(fixture.hostileTrial)", "/leaderboard"] {
        let (status, body, _) = try await client.get(uri)
        #expect(status == .ok)
        #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri) shows it escaped")
        #expect(!body.contains(DashboardFixture.hostile), "\(uri) never as markup")
      }
    }
  }

  @Test func anUnknownTrialIs404() async throws {
    let (app, _) = try DashboardFixture.shared.get().application()
    try await app.test(.router) { client in
      let unknown = try await client.get("/trial/999").0
      let notANumber = try await client.get("/trial/abc").0
      #expect(unknown == .notFound && notANumber == .notFound)
    }
  }

  @Test func anUnchangedStudyIsScoredOnce() async throws {
    let (app, cache) = try DashboardFixture.shared.get().application()
    try await app.test(.router) { client in
      for uri in ["/", "/leaderboard", "/charts", "/api/overview", "/"] {
        let status = try await client.get(uri).0
        #expect(status == .ok)
      }
    }
    #expect(cache.computations == 1)
  }
}
