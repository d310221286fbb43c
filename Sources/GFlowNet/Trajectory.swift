/// A complete trajectory s₀ → … → sₙ → stop: `states[t]` is where `actions[t]` was taken, and the last
/// action is the environment's exit, so `states.last` is the object x.
public struct Trajectory<State: Hashable & Sendable>: Sendable {
  /// s₀ … sₙ.
  public var states: [State]
  /// a₀ … aₙ, aₙ = exit.
  public var actions: [Int]

  /// The object the trajectory produced.
  public var terminalState: State { states[states.count - 1] }
}
