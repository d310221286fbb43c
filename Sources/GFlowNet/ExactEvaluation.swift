import Foundation

/// The learned terminal distribution of an enumerable environment computed exactly, and its distance to
/// the target R(x)/Z.
///
/// P(reach s₀) = 1; walking the states in topological order, each state passes P(reach s)·P_F(a|s) to its
/// child for every non-exit action, and P_T(s) = P(reach s)·P_F(stop|s). Objects are the states where stop
/// is allowed.
public struct ExactEvaluation<E: EnumerableEnvironment>: Sendable {
  /// The states, in the environment's topological order.
  public let states: [E.State]
  /// P_T per state (0 where stopping is not allowed).
  public let learned: [Double]
  /// R(x)/Z per state (0 where stopping is not allowed).
  public let target: [Double]
  /// log Z = log Σ_x R(x).
  public let logZ: Double

  /// The exact evaluation of `policy` on `environment`.
  ///
  /// - Complexity: one batched forward pass over all states, then O(states · actions).
  public init(environment: E, policy: inout PolicyNetwork) {
    let states = environment.allStates
    self.states = states
    var position: [E.State: Int] = [:]
    for (i, s) in states.enumerated() { position[s] = i }
    let (target, logZ) = Self.targetDistribution(environment, states)
    self.target = target
    self.logZ = logZ
    let width = policy.outputWidth
    let a = policy.actionCount
    let outputs = policy.outputs(for: states, in: environment, caching: false)
    var reach = [Double](repeating: 0, count: states.count)
    var learned = [Double](repeating: 0, count: states.count)
    reach[0] = 1
    outputs.withUnsafeBufferPointer { out in
      for (i, s) in states.enumerated() where reach[i] > 0 {
        let mask = environment.forwardMask(s)
        let lp = MaskedLogSoftmax.logProbabilities(
          UnsafeBufferPointer(rebasing: out[(i * width)..<(i * width + a)]), mask: mask)
        for action in 0..<a where mask[action] {
          let p = reach[i] * exp(lp[action])
          if action == environment.exitAction {
            learned[i] = p
          } else {
            reach[position[environment.step(s, action)]!] += p
          }
        }
      }
    }
    self.learned = learned
  }

  /// Σ_x |P_T(x) − R(x)/Z| (torchgfn's sum definition).
  public var l1: Double { zip(learned, target).reduce(0) { $0 + abs($1.0 - $1.1) } }

  /// Σ_x |P̂(x) − R(x)/Z| for the empirical distribution of `objects`.
  public func sampledL1(_ objects: [E.State]) -> Double {
    var position: [E.State: Int] = [:]
    for (i, s) in states.enumerated() { position[s] = i }
    var counts = [Double](repeating: 0, count: states.count)
    for x in objects { counts[position[x]!] += 1 }
    let n = Double(objects.count)
    return zip(counts, target).reduce(0) { $0 + abs($1.0 / n - $1.1) }
  }

  /// R(x)/Z over `states` and log Z, without a policy.
  public static func targetDistribution(_ environment: E, _ states: [E.State]) -> ([Double], Double) {
    var logRewards = [Double](repeating: -.infinity, count: states.count)
    for (i, s) in states.enumerated() where environment.forwardMask(s)[environment.exitAction] {
      logRewards[i] = environment.logReward(s)
    }
    let maximum = logRewards.max()!
    let logZ = maximum + log(logRewards.reduce(0) { $0 + exp($1 - maximum) })
    return (logRewards.map { exp($0 - logZ) }, logZ)
  }
}
