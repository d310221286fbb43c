/// A bounded store of distinct terminal objects with their log rewards, for replaying high-reward objects.
///
/// When full, adding a new object evicts the one with the lowest log reward if the new one is better.
public struct ReplayBuffer<State: Hashable & Sendable>: Sendable {
  /// Most objects kept.
  public let capacity: Int
  /// The objects and their log rewards, in no particular order.
  public private(set) var entries: [(state: State, logReward: Double)] = []
  private var index: [State: Int] = [:]

  /// An empty buffer holding at most `capacity` objects.
  public init(capacity: Int) { self.capacity = max(1, capacity) }

  /// Number of objects held.
  public var count: Int { entries.count }

  /// Adds `state` unless it is already held or the buffer is full of better objects.
  public mutating func add(_ state: State, logReward: Double) {
    guard index[state] == nil else { return }
    if entries.count < capacity {
      index[state] = entries.count
      entries.append((state, logReward))
      return
    }
    let worst = entries.indices.min { entries[$0].logReward < entries[$1].logReward }!
    guard logReward > entries[worst].logReward else { return }
    index[entries[worst].state] = nil
    entries[worst] = (state, logReward)
    index[state] = worst
  }

  /// `count` objects drawn uniformly with replacement (empty if the buffer is).
  public func sample<G: RandomNumberGenerator>(_ count: Int, using rng: inout G) -> [(state: State, logReward: Double)] {
    guard !entries.isEmpty else { return [] }
    return (0..<count).map { _ in entries[Int.random(in: 0..<entries.count, using: &rng)] }
  }
}
