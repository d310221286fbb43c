import Features
import Foundation
import GFlowNet
import TestSupport
import Testing

@testable import Mining

/// Pipeline dimensions in the search space (issue 16): parsed and checked, sampled by every sampler as more steps
/// of a configuration, stored, and trained with — a study with them mines, and its export reproduces it.
@Suite struct PipelineDimensionTests {
  static let json = #"{"learning_rate": [0.05, 0.1], "num_leaves": [4, 8], "features": ["raw", "raw+pca:3"], "augment": ["none", "cutout:0.2:1", "rowavg:1"]}"#

  @Test func parsedCheckedAndStored() throws {
    let space = try SearchSpace(json: Data(Self.json.utf8), source: "s.json", availableTargets: ["target"])
    #expect(space.pipelines.features == ["raw", "raw+pca:3"] && space.pipelines.augment == ["none", "cutout:0.2:1", "rowavg:1"])
    #expect(space.pipelines.searched.map(\.name) == ["features", "augment"])
    #expect(space.count(fixed: ["max_depth": 5]) == 2 * 2 * 2 * 3)
    let c = TrialConfiguration(values: ["learning_rate": 0.1], target: "target", features: "raw+pca:3", augment: "cutout:0.2:1")
    #expect(try TrialConfiguration(json: c.json) == c)
    #expect(TrialConfiguration(values: ["learning_rate": 0.1], target: "target").json == #"{"learning_rate":0.1,"target":"target"}"#)
    for (bad, message) in [
      (#"{"features": ["raw", "tsne:3"]}"#, "\"features\" value 'tsne:3'"), (#"{"augment": ["mixup:2"]}"#, "\"augment\" value 'mixup:2'"),
      (#"{"augment": []}"#, "\"augment\" must be a non-empty list"),
    ] {
      #expect(throws: MiningError.self) { try SearchSpace(json: Data(bad.utf8), source: "s.json", availableTargets: ["target"]) }
      do { _ = try SearchSpace(json: Data(bad.utf8), source: "s.json", availableTargets: ["target"]) } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  /// Every sampler proposes every value of both dimensions; a space without them proposes exactly what it did.
  @Test func everySamplerSamplesThePipelines() throws {
    let space = try SearchSpace(json: Data(Self.json.utf8), source: "s.json", availableTargets: ["target"])
    var settings = ConfigurationLearner.Settings()
    settings.hiddenWidth = 16
    settings.stepsPerUpdate = 20
    var samplers: [any ConfigurationSampler] = [
      UniformSampler(space: space, fixed: ["max_depth": 5], seed: 1),
      TPESampler(space: space, fixed: ["max_depth": 5], seed: 1),
      try GFlowNetSampler(space: space, fixed: ["max_depth": 5], seed: 1, settings: settings),
    ]
    for k in samplers.indices {
      let proposed = samplers[k].propose(16, existing: [])
      #expect(proposed.count == 16 && Set(proposed).count == 16, "\(samplers[k].name): \(proposed.count)")
      #expect(Set(proposed.map(\.features)) == ["raw", "raw+pca:3"], "\(samplers[k].name)")
      #expect(Set(proposed.map(\.augment)) == ["none", "cutout:0.2:1", "rowavg:1"], "\(samplers[k].name)")
    }
    let plain = SearchSpace(parameters: space.parameters, targets: ["target"])
    var a = UniformSampler(space: plain, fixed: ["max_depth": 5], seed: 3)
    let before = a.propose(4, existing: [])
    #expect(before.allSatisfy { $0.features == "raw" && $0.augment == "none" })
  }

  /// A study whose trials differ in stage and augmentation mines to the end, and exporting two of them passes the
  /// safety check (a refit on the last fold with the same augmented rows reproduces the stored predictions).
  @Test func aStudyWithPipelinesMinesAndExports() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let synth = try CommandLineTool.run(
      ["data", "synth", "--out", dir.file("d"), "--eras", "40", "--rows-per-era", "120", "--features", "12", "--validation-eras", "8", "--seed", "5"])
    #expect(synth.status == 0)
    try #"{"n_estimators": [60], "learning_rate": [0.05, 0.1], "features": ["raw", "raw+pca:3"], "augment": ["none", "cutout:0.2:1"]}"#
      .write(toFile: dir.file("space.json"), atomically: true, encoding: .utf8)
    let mine = try CommandLineTool.run(
      ["mine", "--study", dir.file("s.sqlite"), "--data", dir.file("d_train.parquet"), "--data", dir.file("d_validation.parquet"),
       "--space", dir.file("space.json"), "--trials", "8", "--splits", "2", "--gap", "2", "--benchmark", "n_estimators=60", "--seed", "1"])
    #expect(mine.status == 0, "\(mine.stderr)")
    let results = try CommandLineTool.run(["results", "--study", dir.file("s.sqlite"), "--json"])
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [[String: Any]])
    let configs = rows.compactMap { $0["pipeline"] as? [String: Any] }
    #expect(rows.count == 9 && rows.allSatisfy { $0["status"] as? String == "done" })
    #expect(Set(configs.compactMap { $0["augment"] as? String }) == ["cutout:0.2:1"], "\(configs)")
    #expect(Set(configs.compactMap { $0["features"] as? String }) == ["raw+pca:3"])
    let picked = rows.filter { ($0["pipeline"] as? [String: Any])?["augment"] != nil }.compactMap { $0["id"] as? Int }.prefix(2)
    let export = try CommandLineTool.run(
      ["export", "--study", dir.file("s.sqlite"), "--trials", picked.map(String.init).joined(separator: ","), "--out", dir.file("ens")])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stderr.contains("refit on the last fold reproduces its"))
  }
}
