/// A bounded store of distinct terminal objects with their log rewards, for replaying high-reward objects.
///
/// When full, adding a new object evicts the one with the lowest log reward if the new one is better.
/// - Complexity: `add` is O(1) unless it evicts, which rescans for the new worst entry (O(capacity)).
public struct ReplayBuffer<State: Hashable & Sendable>: Sendable {
  /// Most objects kept.
  public let capacity: Int
  /// The objects, in no particular order.
  public private(set) var states: [State] = []
  /// Their log rewards, aligned with `states`.
  public private(set) var logRewards: [Double] = []
  private var index: [State: Int] = [:]
  private var worst = 0

  /// An empty buffer holding at most `capacity` objects.
  public init(capacity: Int) { self.capacity = max(1, capacity) }

  /// Number of objects held.
  public var count: Int { states.count }

  /// Adds `state` unless it is already held or the buffer is full of better objects.
  public mutating func add(_ state: State, logReward: Double) {
    if states.count == capacity, !(logReward > logRewards[worst]) { return }
    guard index[state] == nil else { return }
    if states.count < capacity {
      index[state] = states.count
      states.append(state)
      logRewards.append(logReward)
      if logReward < logRewards[worst] { worst = states.count - 1 }
      return
    }
    index[states[worst]] = nil
    states[worst] = state
    logRewards[worst] = logReward
    index[state] = worst
    worst = logRewards.indices.min { logRewards[$0] < logRewards[$1] }!
  }

  /// `count` objects drawn uniformly with replacement, with their log rewards (empty if the buffer is).
  public func sample<G: RandomNumberGenerator>(_ count: Int, using rng: inout G) -> [(state: State, logReward: Double)]
  {
    guard !states.isEmpty else { return [] }
    return (0..<count).map { _ in
      let i = Int.random(in: 0..<states.count, using: &rng)
      return (states[i], logRewards[i])
    }
  }
}
