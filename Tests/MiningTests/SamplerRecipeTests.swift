import Foundation
import Testing

@testable import Mining

/// `mine`'s sampler options as a library value: each bad setting is one error naming it; each name builds its sampler.
@Suite struct SamplerRecipeTests {
  static let space = SearchSpace(
    parameters: [
      .init(name: "max_depth", values: [2, 3, 4], isInteger: true),
      .init(name: "num_leaves", values: [4, 8], isInteger: true),
    ], targets: ["target"])

  @Test func badSettingsAreOneErrorNamingTheOption() {
    func error(_ change: (inout SamplerRecipe) -> Void) -> String? {
      var recipe = SamplerRecipe()
      change(&recipe)
      do { _ = try recipe.trialReward() } catch { return "\(error)" }
      return nil
    }
    #expect(error { _ in } == nil)
    #expect(error { $0.sampler = "random" } == "--sampler random: expected uniform, gfn or tpe")
    #expect(error { $0.pruner = "asha" } == "--pruner asha: expected none, halving or hyperband")
    #expect(error { $0.rewardPeriod = "test" } == "--reward-period test: expected validation or whole")
    #expect(error { $0.beta = 0 } == "--beta 0.0: expected a positive number")
    #expect(error { $0.batch = 0 } == "--batch 0: expected at least 1")
    #expect(error { $0.diversityPool = 0 } == "--diversity-pool 0: expected at least 1")
  }

  @Test func eachNameBuildsItsSamplerAndThePrunerWrapsIt() throws {
    var recipe = SamplerRecipe()
    for (name, built) in [("uniform", "uniform"), ("tpe", "tpe"), ("gfn", "gfn")] {
      recipe.sampler = name
      recipe.pruner = "none"
      #expect(try recipe.make(space: Self.space, fixed: [:]).name == built)
      recipe.pruner = "hyperband"
      #expect(try recipe.make(space: Self.space, fixed: [:]).name == "hyperband")
    }
    recipe.reward = "beat"
    recipe.rewardPeriod = "whole"
    recipe.rewardCap = 0
    #expect(try recipe.trialReward() == TrialReward(kind: .beat, period: .whole, cap: 0))
  }
}
