import Foundation
import NumeraiData
import Scoring
import TestSupport
import Testing

@testable import Mining

/// A study whose trials carry pipelines (a feature stage and a training augmentation) through the life of a
/// mined model: killed and resumed with the same pipelines, exported, and predicted on live rows.
@Suite(.serialized) struct PipelineLifecycleTests {
  static let space =
    #"{"n_estimators": [150, 200], "learning_rate": [0.02, 0.05], "num_leaves": [4, 8], "features": ["raw", "raw+pca:3"], "augment": ["none", "cutout:0.2:1"]}"#

  @Test func killedMidRunResumesWithTheSamePipelines() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let arguments = try MiningProcessTests.prepare(dir, trials: 8, space: Self.space)
    let miner = try MiningProcessTests.start(arguments)
    let deadline = Date().addingTimeInterval(180)
    while MiningProcessTests.splitsDone(dir.file("s.sqlite")) < 4 && miner.isRunning && Date() < deadline { usleep(20_000) }
    #expect(miner.isRunning, "the run must still be going when killed")
    kill(miner.processIdentifier, SIGKILL)
    miner.waitUntilExit()
    let before = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    let trials = try before.trials()
    #expect(Set(trials.map(\.configuration.features)) == ["raw", "raw+pca:3"], "both stages sampled")
    #expect(Set(trials.map(\.configuration.augment)) == ["none", "cutout:0.2:1"], "both augmentations sampled")
    var stored: [[Int]: [Float]] = [:]
    for t in trials { for s in 0..<2 { if let p = try before.predictions(trial: t.id, split: s) { stored[[t.id, s]] = p } } }
    #expect(stored.count >= 4 && stored.count < 2 * trials.count)

    let resumed = try CommandLineTool.run(arguments)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let after = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    #expect(try after.trials() == trials, "the same configurations and pipelines, none re-sampled")
    let progress = try after.progress()
    #expect(progress.done == trials.count && progress.splitsDone == 2 * trials.count && progress.running == 0)
    for (key, predictions) in stored {
      #expect(try after.predictions(trial: key[0], split: key[1]) == predictions, "finished split \(key) untouched")
    }
  }

  /// `export --fold-models` keeps the models the study scored; `predict` on the last fold's rows, arriving as a
  /// separate file (the validation file holds exactly the last fold's test eras), applies each member's stage
  /// and gives the stored predictions back bit for bit (as Float16), and the submission ranks them per era.
  @Test func foldModelsPredictLiveRowsAsTheStudyStoredThem() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 6, space: Self.space)
    let mined = try CommandLineTool.run(mine)
    #expect(mined.status == 0, "\(mined.stderr)")
    let store = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    let layout = try store.layout()
    let pipelined = try store.trials().filter { $0.configuration.features != "raw" && $0.configuration.augment != "none" }
    let trial = try #require(pipelined.first, "a trial with both a stage and an augmentation")
    let validation = try DatasetLoader.load(paths: [dir.file("d_validation.parquet")]).dataset
    #expect(validation.eras == layout.splits.last?.testEras, "the validation file is the last fold's test eras")

    let export = try CommandLineTool.run(
      ["export", "--study", dir.file("s.sqlite"), "--trials", "\(trial.id)", "--out", dir.file("ens"), "--fold-models"])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stderr.contains("the last fold's model"), "\(export.stderr)")
    let ensemble = try Ensemble.load(directory: dir.file("ens"))
    let member = try #require(ensemble.members.first)
    #expect(member.stage.spec == "raw+pca:3")
    let raw = try member.model.predict(try member.stage.apply(to: validation), threads: 1)
    let stored = try #require(try store.predictions(trial: trial.id, split: layout.splits.count - 1))
    #expect(raw.map { Float(Float16(Float($0))) } == stored, "live rows through the saved stage give the stored predictions")

    let predict = try CommandLineTool.run(
      ["predict", "--model", dir.file("ens"), "--data", dir.file("d_validation.parquet"), "--out", dir.file("sub.csv")])
    #expect(predict.status == 0, "\(predict.stderr)")
    let submitted = try String(contentsOfFile: dir.file("sub.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
      .map { Double($0.split(separator: ",")[1])! }
    var ranked = [Double](repeating: 0, count: raw.count)
    for range in validation.eraRanges {
      for (k, r) in NumeraiMetrics.tieKeptRank(Array(raw[range])).enumerated() { ranked[range.lowerBound + k] = r }
    }
    #expect(submitted.count == ranked.count)
    #expect(zip(submitted, ranked).allSatisfy { abs($0 - $1) < 1e-6 }, "the submission ranks those predictions per era")
  }

  @Test func foldModelsRefuseSealedEras() throws {
    let run = try CommandLineTool.run(
      ["export", "--study", "s.sqlite", "--trials", "2", "--out", "ens", "--fold-models", "--include-sealed-eras"])
    #expect(run.status != 0 && run.stderr.contains("--fold-models saves the models as mined"), "\(run.stderr)")
  }
}
