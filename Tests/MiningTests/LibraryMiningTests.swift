import Foundation
import GFlowNet
import NumeraiData
import Scoring
import Synchronization
import TestSupport
import Testing

@testable import Mining

/// Mining through the library alone (no binary): a gfn study proposed, trained, observed and resumed; a new
/// sampler plugged into the same loop; a stop request.
@Suite struct LibraryMiningTests {
  static let space = """
    {"n_estimators": [20, 30, 40], "learning_rate": [0.02, 0.05, 0.1], "num_leaves": [4, 8], "max_depth": [3, 4]}
    """

  /// A small Numerai-shaped data set and a new study on it (benchmark: 30 trees).
  static func study(_ dir: TemporaryDirectory) throws -> (Study, Dataset) {
    let dataset = try SyntheticNumerai(.init(eras: 45, rowsPerEra: 80, features: 12, targets: 1, seed: 9, validationEras: 5)).train
    let study = try Study.create(
      dir.file("s.sqlite"), dataset: dataset, files: ["synthetic"],
      splits: try TimeSeriesSplit(nSplits: 2, gap: 2).splits(eras: dataset.eras),
      benchmark: TrialConfiguration(values: try BenchmarkPresets.parse("n_estimators=30,learning_rate=0.1"), target: "target"))
    return (study, dataset)
  }

  static func gfn(seed: UInt64 = 3) throws -> GFlowNetSampler {
    var settings = ConfigurationLearner.Settings()
    settings.hiddenWidth = 16
    settings.batchSize = 16
    settings.stepsPerUpdate = 40
    return try GFlowNetSampler(
      space: try SearchSpace(json: Data(space.utf8), source: "test", availableTargets: ["target"]),
      fixed: BenchmarkPresets.example, seed: seed, batch: 2, settings: settings)
  }

  @Test func aGFlowNetStudyRunsThroughTheLibraryAndResumesFromItsSavedPolicy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try Self.study(dir)
    var sampler = try Self.gfn()
    let stopped = try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 4))
    #expect(!stopped)
    #expect(try study.store.progress() == StudyProgress(
      done: 5, total: 5, splitsDone: 10, splitsTotal: 10, running: 0, secondsTrained: study.store.progress().secondsTrained))
    #expect(try study.store.trials().filter { $0.sampler == "gfn" }.count == 4)
    let saved = try #require(try study.store.samplerState("gfn"))
    #expect(saved == sampler.savedState(), "the state after the last observation is the one saved")
    // A new process: a fresh sampler, a larger budget; the loop restores the policy and goes on learning.
    var resumed = try Self.gfn()
    #expect(resumed.savedState() != saved)
    try study.optimize(dataset: dataset, sampler: &resumed, budget: MiningBudget(trials: 6))
    #expect(try study.store.progress().done == 7)
    #expect(try study.store.samplerState("gfn") != saved)
    var restored = try Self.gfn()
    try restored.restore(saved)
    #expect(restored.savedState() == saved)
    #expect(try study.results().filter { $0.status == .done }.count == 7)
  }

  /// A sampler the loop has never seen: it proposes fixed configurations two at a time and records what it is told.
  struct RecordingSampler: ConfigurationSampler {
    var name: String { "recording" }
    var batchSize: Int? { 2 }
    var observesResults: Bool { true }
    var queue = [4, 8, 4, 8].enumerated().map { k, leaves in
      TrialConfiguration(values: ["num_leaves": Double(leaves), "n_estimators": Double(20 + 10 * k)], target: "target")
    }
    var observed: [[Int]] = []
    var predictionCounts: [Int] = []
    var rounds = 0

    mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
      let out = Array(queue.filter { !existing.contains($0) }.prefix(count))
      queue.removeAll { out.contains($0) }
      return out
    }

    mutating func observe(_ history: StudyHistory) throws {
      observed.append(history.finished.map(\.result.id))
      predictionCounts = try history.finished.map { try history.outOfFoldPredictions($0).count }
      #expect(history.benchmark?.wholeSharpe != nil)
    }

    func savedState() -> [UInt8]? { [UInt8(observed.count)] }
  }

  @Test func anyConfigurationSamplerPlugsIntoTheLoop() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try Self.study(dir)
    var sampler = RecordingSampler()
    try study.optimize(dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 4, jobs: 2))
    // Rounds: the benchmark alone, then two proposals at a time, each observed once all are trained.
    #expect(sampler.observed == [[], [2, 3], [2, 3, 4, 5]])
    let testRows = study.layout.splitTargets.reduce(0) { $0 + $1.labels.count }
    #expect(sampler.predictionCounts == [testRows, testRows, testRows, testRows])
    #expect(try study.store.samplerState("recording") == [3])
    #expect(try study.store.trials().map(\.sampler) == ["benchmark", "recording", "recording", "recording", "recording"])
  }

  @Test func aStopRequestGivesTheClaimBackAndTheSameCallFinishes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (study, dataset) = try Self.study(dir)
    var sampler = UniformSampler(
      space: try SearchSpace(json: Data(Self.space.utf8), source: "test", availableTargets: ["target"]),
      fixed: BenchmarkPresets.example, seed: 1)
    let finished = Mutex(0)
    let stopped = try study.optimize(
      dataset: dataset, sampler: &sampler, budget: MiningBudget(trials: 3), shouldStop: { finished.withLock { $0 >= 3 } },
      onSplitFinished: { _ in finished.withLock { $0 += 1 } })
    #expect(stopped)
    let partial = try study.store.progress()
    #expect(partial.splitsDone == 3 && partial.running == 0)
    var again = UniformSampler(
      space: try SearchSpace(json: Data(Self.space.utf8), source: "test", availableTargets: ["target"]),
      fixed: BenchmarkPresets.example, seed: 1)
    #expect(try !study.optimize(dataset: dataset, sampler: &again, budget: MiningBudget(trials: 3)))
    #expect(try study.store.progress().splitsDone == 8)
    #expect(try study.store.claimCounts().values.allSatisfy { $0 == 1 }, "no finished run was trained again")
  }
}
