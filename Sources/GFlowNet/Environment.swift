/// A GFlowNet environment: a DAG of states built from an initial state by discrete actions, one of which
/// (`exitAction`) terminates and yields the current state as the object.
///
/// Forward actions are `0..<actionCount`; backward actions (undoing a step) are `0..<backwardActionCount`.
/// The network sees a state through `encode`. Losses that need a backward policy ask
/// `backwardAction(undoing:)` which backward action leads from the child back to the parent.
public protocol Environment: Sendable {
  /// A state; terminal objects are states from which `exitAction` was taken.
  associatedtype State: Hashable & Sendable

  /// Number of forward actions, `exitAction` included.
  var actionCount: Int { get }
  /// The action that stops and turns the current state into the object.
  var exitAction: Int { get }
  /// Number of backward actions.
  var backwardActionCount: Int { get }
  /// Width of `encode`'s output.
  var encodingWidth: Int { get }
  /// The state every trajectory starts from.
  var initialState: State { get }

  /// Writes the network input for `state` into `row` (`encodingWidth` floats, zeroed by the caller).
  func encode(_ state: State, into row: UnsafeMutableBufferPointer<Float>)
  /// Which forward actions are allowed in `state` (`actionCount` entries).
  func forwardMask(_ state: State) -> [Bool]
  /// Which backward actions are allowed in `state` (`backwardActionCount` entries; none for the initial state).
  func backwardMask(_ state: State) -> [Bool]
  /// The child reached from `state` by the non-exit `action`.
  func step(_ state: State, _ action: Int) -> State
  /// The parent reached from `state` by `backwardAction`.
  func backwardStep(_ state: State, _ backwardAction: Int) -> State
  /// The backward action that undoes forward `action` taken in `parent`.
  func backwardAction(undoing action: Int, from parent: State) -> Int
  /// Whether the only allowed action in `state` is `exitAction`.
  func isTerminal(_ state: State) -> Bool
  /// log R(x) of a terminal object.
  func logReward(_ state: State) -> Double
}

/// An environment whose states can all be listed, so the learned distribution can be computed exactly.
public protocol EnumerableEnvironment: Environment {
  /// Every state, each after all of its parents (a topological order of the DAG).
  var allStates: [State] { get }
}
