import Foundation

/// Draws complete trajectories from a policy network, a batch at a time, with optional exploration.
///
/// An action is drawn from (1 − ε)·softmax(logits/T) + ε·uniform over the allowed actions. Exploration
/// only changes which trajectories are drawn: the losses always score them with the learned policy at
/// temperature 1, so training stays off-policy-correct.
public struct Sampler: Sendable {
  /// Probability mass given to uniform exploration.
  public var epsilon: Double
  /// Softmax temperature of the behaviour policy.
  public var temperature: Double

  /// A sampler; `epsilon = 0, temperature = 1` samples the learned policy itself.
  public init(epsilon: Double = 0, temperature: Double = 1) {
    self.epsilon = epsilon
    self.temperature = temperature
  }

  /// `count` trajectories from `environment`'s initial state.
  ///
  /// - Complexity: one batched forward pass (over the distinct current states) per step of the longest
  ///   trajectory.
  public func sample<E: Environment, G: RandomNumberGenerator>(
    _ count: Int, from environment: E, policy: inout PolicyNetwork, using rng: inout G
  ) -> [Trajectory<E.State>] {
    var trajectories = (0..<count).map { _ in
      Trajectory<E.State>(states: [environment.initialState], actions: [])
    }
    var active = Array(0..<count)
    let width = policy.outputWidth
    while !active.isEmpty {
      let states = active.map { trajectories[$0].terminalState }
      let (unique, row) = PolicyNetwork.deduplicate(states)
      let outputs = policy.outputs(for: unique, in: environment, caching: false)
      var stillActive: [Int] = []
      outputs.withUnsafeBufferPointer { out in
        for (r, index) in active.enumerated() {
          let mask = environment.forwardMask(states[r])
          let start = row[r] * width
          let logits = UnsafeBufferPointer(rebasing: out[start..<(start + policy.actionCount)])
          let logp = MaskedLogSoftmax.logProbabilities(logits, mask: mask, temperature: temperature)
          let action = draw(logp, mask: mask, using: &rng)
          trajectories[index].actions.append(action)
          if action != environment.exitAction {
            trajectories[index].states.append(environment.step(states[r], action))
            stillActive.append(index)
          }
        }
      }
      active = stillActive
    }
    return trajectories
  }

  private func draw<G: RandomNumberGenerator>(_ logp: [Double], mask: [Bool], using rng: inout G) -> Int {
    let allowed = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
    var u = Double(rng.next() >> 11) * 0x1.0p-53
    var last = 0
    for k in logp.indices where mask[k] {
      let p = (1 - epsilon) * exp(logp[k]) + epsilon / Double(allowed)
      if u < p { return k }
      u -= p
      last = k
    }
    return last
  }
}
