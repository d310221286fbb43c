import Foundation
import GFlowNet
import TestSupport
import Testing

@testable import Mining

@Suite struct GFlowNetSamplerTests {
  static let space = SearchSpace(
    parameters: [
      .init(name: "learning_rate", values: SearchSpace.linspace(0.001, 0.3, 1000), isInteger: false),
      .init(name: "max_depth", values: [2, 3, 4, 5], isInteger: true),
      .init(name: "num_leaves", values: SearchSpace.linspace(2, 64, 63), isInteger: true),
    ], targets: ["target", "target_b"])

  static func settings() -> ConfigurationLearner.Settings {
    var s = ConfigurationLearner.Settings()
    s.hiddenWidth = 32
    s.batchSize = 32
    s.stepsPerUpdate = 150
    return s
  }

  @Test func gridsAreCoarsenedAndProposalsAreValidAndNew() throws {
    var sampler = try GFlowNetSampler(space: Self.space, fixed: [:], seed: 1, settings: Self.settings())
    #expect(sampler.levels.map(\.count) == [32, 4, 32, 2])
    #expect(sampler.levels[0].flatMap { $0 } == Self.space.parameters[0].values, "levels partition the grid in order")
    let first = sampler.propose(40, existing: [])
    #expect(first.count == 40 && Set(first).count == 40)
    for c in first {
      #expect(c.values["num_leaves"]! <= pow(2, c.values["max_depth"]!))
      #expect(Self.space.parameters.allSatisfy { $0.values.contains(c.values[$0.name]!) })
      #expect(sampler.assignment(of: c) != nil)
    }
    let more = sampler.propose(10, existing: Set(first))
    #expect(Set(more).isDisjoint(with: first))
    // A value a decimal round trip moved by an ulp still finds its level; one off the grid does not.
    var nudged = first[0]
    nudged.values["learning_rate"] = nudged.values["learning_rate"]!.nextUp
    #expect(sampler.assignment(of: nudged) == sampler.assignment(of: first[0]))
    nudged.values["learning_rate"] = 0.5
    #expect(sampler.assignment(of: nudged) == nil)
  }

  @Test func observedScoresShiftTheProposals() throws {
    var sampler = try GFlowNetSampler(space: Self.space, fixed: [:], beta: 10, seed: 2, settings: Self.settings())
    let before = sampler.propose(60, existing: [])
    // Reward high learning rates: score = learning rate × 3 (so β · score spans 0…9).
    sampler.learn(before.map { ($0, $0.values["learning_rate"]! * 30) })
    let after = sampler.propose(60, existing: Set(before))
    func mean(_ cs: [TrialConfiguration]) -> Double { cs.map { $0.values["learning_rate"]! }.reduce(0, +) / Double(cs.count) }
    #expect(mean(after) > mean(before) + 0.05, "before \(mean(before)), after \(mean(after))")
    // The learned state round-trips.
    var resumed = try GFlowNetSampler(space: Self.space, fixed: [:], beta: 10, seed: 2, settings: Self.settings())
    try resumed.restore(#require(sampler.savedState()))
    #expect(resumed.savedState() == sampler.savedState())
  }

  /// Two families of models: the learning rate's lower half predicts one way, the upper half another
  /// (correlation 0.95 within a family, 0.2 across). Both earn the same reward, so the policy draws both; the
  /// upper family ranks higher (the ranking stands for whole Sharpe), so the best 20 are all upper, and picking
  /// for diversity away from them moves the proposals to the lower family.
  @Test func aDiversityPoolProposesAwayFromTheBestModelsFamily() throws {
    func family(_ c: TrialConfiguration) -> Int { c.values["learning_rate"]! > 0.15 ? 1 : 0 }
    func sampler(pool: Int) throws -> (GFlowNetSampler, Set<TrialConfiguration>) {
      var s = try GFlowNetSampler(space: Self.space, fixed: [:], beta: 10, seed: 5, settings: Self.settings(), diversityPool: pool)
      let first = s.propose(60, existing: [])
      s.learn(first.map { ($0, 0.2) })
      s.observeOutputs(
        first, correlations: first.map { a in first.map { b in a == b ? 1 : family(a) == family(b) ? 0.95 : 0.2 } },
        ranking: first.map { Double(family($0)) + $0.values["learning_rate"]! })
      return (s, Set(first))
    }
    var (plain, existing) = try sampler(pool: 1)
    var (diverse, sameExisting) = try sampler(pool: 8)
    #expect(existing == sameExisting, "without observed outputs the pool is off: the first proposals match")
    let lowerPlain = plain.propose(16, existing: existing).filter { family($0) == 0 }.count
    let proposals = diverse.propose(16, existing: existing)
    let lowerDiverse = proposals.filter { family($0) == 0 }.count
    #expect(proposals.count == 16 && Set(proposals).count == 16 && Set(proposals).isDisjoint(with: existing))
    #expect((4...12).contains(lowerPlain), "the policy draws both families: \(lowerPlain) of 16 lower")
    #expect(lowerDiverse >= 14, "plain \(lowerPlain), diverse \(lowerDiverse) of 16 lower")
  }

  @Test func mineWithTheGFlowNetSamplerSavesItsPolicyAndResumes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var arguments = try MiningProcessTests.prepare(dir, trials: 4)
    arguments += ["--sampler", "gfn", "--batch", "2", "--diversity-pool", "3"]
    let first = try CommandLineTool.run(arguments)
    #expect(first.status == 0, "\(first.stderr)")
    let study = try SQLiteStudyStore.open(path: dir.file("s.sqlite"))
    #expect(try study.progress().done == 5)
    #expect(try study.trials().filter { $0.sampler == "gfn" }.count == 4)
    let state = try #require(try study.samplerState("gfn"))
    #expect(state.count > 1000)
    // Asking for more continues the same study and policy.
    arguments[arguments.firstIndex(of: "4")!] = "6"
    let second = try CommandLineTool.run(arguments)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(try study.progress().done == 7)
    #expect(try study.samplerState("gfn") != state)
  }

  @Test func badRewardOptionsAreOneClearErrorAndCreateNoStudy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let arguments = try MiningProcessTests.prepare(dir, trials: 2) + ["--sampler", "gfn"]
    let cases: [([String], String)] = [
      (["--beta", "0"], "--beta 0.0: expected a positive number"),
      (["--beta", "nan"], "--beta nan: expected a positive number"),
      (["--reward-cap", "inf"], "--reward-cap inf: expected a number"),
      (["--uniqueness", "nan"], "--uniqueness nan: expected a number"),
      (["--reward", "sortino"], "--reward sortino: expected sharpe, corr, mmc or beat"),
      (["--reward-period", "test"], "--reward-period test: expected validation or whole"),
      (["--diversity-pool", "0"], "--diversity-pool 0: expected at least 1"),
    ]
    for (extra, message) in cases {
      let result = try CommandLineTool.run(arguments + extra)
      #expect(result.status == 1, "\(extra)")
      #expect(result.stderr.contains(message), "\(extra): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(extra): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir.file("s.sqlite")), "\(extra)")
    }
  }
}
