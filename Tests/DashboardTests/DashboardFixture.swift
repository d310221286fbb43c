import Dashboard
import Foundation
import GFlowNet
import Hummingbird
import HummingbirdTesting
import Mining
import NumeraiData
import Scoring
import TestSupport

/// A small gfn study mined through the library (benchmark and 4 trials, 2 splits), plus one pending trial whose
/// configuration carries markup; built once for every dashboard test.
struct DashboardFixture: Sendable {
  static let hostile = "<script>alert(1)</script>"
  static let shared: Result<DashboardFixture, any Error> = Result { try DashboardFixture() }

  let directory: TemporaryDirectory
  let path: String
  let hostileTrial: Int

  init() throws {
    directory = try TemporaryDirectory(prefix: "signalminer-dashboard")
    path = directory.file("s.sqlite")
    let dataset = try SyntheticNumerai(
      .init(eras: 45, rowsPerEra: 80, features: 12, targets: 1, seed: 9, validationEras: 5)
    ).train
    let study = try Study.create(
      path, dataset: dataset, files: ["synthetic"],
      splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: dataset.eras),
      benchmark: TrialConfiguration(
        values: try BenchmarkPresets.parse("n_estimators=30,learning_rate=0.1"), target: "target"))
    var settings = ConfigurationLearner.Settings()
    settings.hiddenWidth = 16
    settings.batchSize = 16
    settings.stepsPerUpdate = 40
    var sampler = try GFlowNetSampler(
      space: try Self.space(), fixed: try BenchmarkPresets.parse("n_estimators=30,learning_rate=0.1"), seed: 3,
      batch: 2,
      settings: settings)
    try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 4))
    hostileTrial = try study.store.addTrials(
      [TrialConfiguration(values: [Self.hostile: 1], target: Self.hostile)], sampler: "uniform", engine: "gbdt",
      sampledLimit: 100)[0]
    try Self.spaceJSON.write(toFile: directory.file("space.json"), atomically: true, encoding: .utf8)
  }

  static let spaceJSON = """
    {"n_estimators": [20, 30, 40], "learning_rate": [0.02, 0.05, 0.1], "num_leaves": [4, 8], "max_depth": [3, 4]}
    """

  static func space() throws -> SearchSpace {
    try SearchSpace(json: Data(spaceJSON.utf8), source: "test", availableTargets: ["target"])
  }

  /// The dashboard's routes on this study.
  func application(token: String? = nil, host: String = "127.0.0.1") throws -> (some ApplicationProtocol, StudyCache) {
    let configuration = DashboardConfiguration(
      studyPath: path, host: host, token: token, spacePath: directory.file("space.json"))
    let cache = StudyCache(study: try Study.open(path), location: path)
    return (Application(router: Dashboard.router(cache: cache, configuration: configuration)), cache)
  }
}

extension TestClientProtocol {
  /// GET `uri`: the status and the body as text.
  func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String, HTTPFields) {
    try await execute(uri: uri, method: .get, headers: headers) { response in
      (response.status, String(buffer: response.body), response.headers)
    }
  }
}
