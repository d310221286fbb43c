import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Mining
import NumeraiData
import Scoring
import TestSupport
import Testing

/// The sampler page: the saved gfn policy's marginals, or a message for other samplers.
@Suite struct SamplerPageTests {
  @Test func theSavedPolicysMarginalsCoverEveryLevelAndSumToOne() throws {
    let fixture = try DashboardFixture.shared.get()
    let study = try Study.open(fixture.path)
    let saved = try #require(try study.store.samplerState("gfn"))
    let marginals = try GFlowNetSampler.marginals(
      savedState: saved, space: try DashboardFixture.space(), fixed: BenchmarkPresets.example, samples: 512)
    #expect(marginals.map(\.name) == ["learning_rate", "max_depth", "num_leaves", "n_estimators", "target"])
    #expect(marginals.map(\.labels.count) == [3, 2, 2, 3, 1])
    for m in marginals { #expect(abs(m.probabilities.reduce(0, +) - 1) < 1e-9) }
  }

  @Test func aStudyWithoutAGFlowNetSaysSo() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let dataset = try SyntheticNumerai(
      .init(eras: 30, rowsPerEra: 20, features: 4, targets: 1, seed: 1, validationEras: 5)
    ).train
    _ = try Study.create(
      dir.file("u.sqlite"), dataset: dataset, files: ["synthetic"],
      splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: dataset.eras),
      benchmark: TrialConfiguration(values: BenchmarkPresets.example, target: "target"))
    let cache = StudyCache(study: try Study.open(dir.file("u.sqlite")), location: dir.file("u.sqlite"))
    let app = Application(
      router: Dashboard.router(cache: cache, configuration: DashboardConfiguration(studyPath: dir.file("u.sqlite"))))
    try await app.test(.router) { client in
      let (status, page, _) = try await client.get("/sampler")
      #expect(status == .ok)
      #expect(page.contains("Mine with <code>--sampler gfn</code> to see one."))
      let (_, overview, _) = try await client.get("/")
      #expect(
        overview.contains("<div class=\"value\">0 / 1</div>")
          && overview.contains("No miner is working on the study right now."))
    }
  }
}
