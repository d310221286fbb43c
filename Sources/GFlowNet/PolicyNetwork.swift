import NeuralNetwork
/// One MLP whose output row holds, for a state: the forward logits (`actionCount`), the backward logits
/// (`backwardActionCount`) and the log state flow log F(s) (one column).
///
/// The forward head is P_F; the backward head is P_B unless `uniformBackward`, in which case P_B is uniform
/// over the allowed backward actions; log F is used by detailed and sub-trajectory balance.
public struct PolicyNetwork: Sendable {
  /// The trunk and heads.
  public var network: MLP
  /// Forward actions in the output row.
  public let actionCount: Int
  /// Backward actions in the output row.
  public let backwardActionCount: Int
  /// Whether P_B is uniform instead of the learned head.
  public let uniformBackward: Bool

  /// Width of an output row.
  public var outputWidth: Int { actionCount + backwardActionCount + 1 }
  /// Column of log F(s).
  public var flowColumn: Int { actionCount + backwardActionCount }

  /// A fresh network for `environment`.
  public init<E: Environment, G: RandomNumberGenerator>(
    for environment: E, hiddenWidth: Int, hiddenLayers: Int, activation: Activation = .relu,
    uniformBackward: Bool, using rng: inout G
  ) {
    actionCount = environment.actionCount
    backwardActionCount = environment.backwardActionCount
    self.uniformBackward = uniformBackward
    network = MLP(
      inputCount: environment.encodingWidth, hiddenWidth: hiddenWidth, hiddenLayers: hiddenLayers,
      outputCount: actionCount + backwardActionCount + 1, activation: activation, using: &rng)
  }

  /// The encodings of `states`, row-major `states.count × encodingWidth`.
  public static func encode<E: Environment>(_ states: [E.State], in environment: E) -> [Float] {
    let width = environment.encodingWidth
    var input = [Float](repeating: 0, count: states.count * width)
    input.withUnsafeMutableBufferPointer { buffer in
      for (r, s) in states.enumerated() {
        environment.encode(s, into: UnsafeMutableBufferPointer(rebasing: buffer[(r * width)..<((r + 1) * width)]))
      }
    }
    return input
  }

  /// The distinct states in order of first appearance, and for each input position the index of its state
  /// among them. A batch of trajectories revisits the same states many times; evaluating each distinct
  /// state once (and summing the output gradients of its repeats) gives the same outputs and gradients.
  public static func deduplicate<S: Hashable>(_ states: [S]) -> (unique: [S], index: [Int]) {
    var position: [S: Int] = [:]
    var unique: [S] = []
    let index = states.map { s in
      if let i = position[s] { return i }
      position[s] = unique.count
      unique.append(s)
      return unique.count - 1
    }
    return (unique, index)
  }

  /// Output rows for `states`; keeps activations for a backward pass if `caching`.
  public mutating func outputs<E: Environment>(for states: [E.State], in environment: E, caching: Bool) -> [Float] {
    network.forward(Self.encode(states, in: environment), rows: states.count, caching: caching)
  }
}
