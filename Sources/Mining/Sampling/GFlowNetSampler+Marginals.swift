import Foundation
import GFlowNet
import NeuralNetwork

/// One hyperparameter's marginal under a gfn policy: its levels (contiguous runs of grid values, or the
/// targets) and the policy's probability of each.
public struct PolicyMarginal: Sendable, Equatable {
  /// The parameter's name (`target` for the target).
  public var name: String
  /// Each level's grid values (empty for a target level).
  public var levels: [[Double]]
  /// A label per level: `0.02`, `0.01…0.05`, or the target's name.
  public var labels: [String]
  /// The policy's probability of each level (they sum to 1).
  public var probabilities: [Double]
}

extension GFlowNetSampler {
  /// The marginals of a policy saved in a study (`samplerState("gfn")`) over `space`, estimated from
  /// `samples` on-policy draws. The sampler is rebuilt with the saved network's hidden widths, so any saved
  /// policy of this space can be read; one mined over another space is refused (the network's shape differs).
  public static func marginals(
    savedState: [UInt8], space: SearchSpace, fixed: [String: Double], samples: Int = 4096
  ) throws -> [PolicyMarginal] {
    guard savedState.count > 4 else { throw MiningError("the study's gfn state has only \(savedState.count) bytes") }
    let network = try MLP(serialized: Array(savedState.dropLast(4)), source: "<study gfn state>")
    var settings = ConfigurationLearner.Settings()
    settings.hiddenLayers = network.layers.count - 1
    settings.hiddenWidth = network.layers.count > 1 ? network.layers[0].outputCount : settings.hiddenWidth
    var sampler = try GFlowNetSampler(space: space, fixed: fixed, seed: 0, settings: settings)
    do { try sampler.restore(savedState) } catch {
      throw MiningError(
        "the study's gfn policy does not fit this search space (give the --space it was mined with): \(error)")
    }
    let probabilities = sampler.learner.marginals(samples: samples)
    let names = space.parameters.map(\.name) + ["target"]
    return names.indices.map { k in
      let isTarget = k == space.parameters.count
      return PolicyMarginal(
        name: names[k], levels: isTarget ? sampler.levels[k].map { _ in [] } : sampler.levels[k],
        labels: isTarget ? space.targets : sampler.levels[k].map(label), probabilities: probabilities[k])
    }
  }

  private static func label(_ level: [Double]) -> String {
    let format = { (x: Double) in String(format: "%g", x) }
    return level.count == 1 ? format(level[0]) : "\(format(level.first!))…\(format(level.last!))"
  }
}
