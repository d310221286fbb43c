import Foundation

/// Building a hyperparameter configuration one value at a time: step k chooses an index into the grid of
/// parameter k (in the fixed order of `parameters`), and after the last parameter the only action is stop.
///
/// The state is the list of chosen indices (a prefix). `isAllowed(prefix)` is the search space's constraint
/// over a partial assignment (e.g. `num_leaves ≤ 2^max_depth` once both are chosen); an index is masked
/// when appending it makes the prefix disallowed. The constraint must leave every allowed prefix at least
/// one allowed completion. Each state has exactly one parent, so the backward policy is 1 (one backward
/// action, "undo the last choice"). Actions `0..<maxGrid` choose an index, action `maxGrid` stops. The
/// encoding is one one-hot block per parameter (zeros while unchosen).
public struct HyperparameterSequence: EnumerableEnvironment {
  /// One hyperparameter and the values it may take.
  public struct Parameter: Sendable, Equatable {
    /// Name, e.g. `num_leaves`.
    public let name: String
    /// The grid of values, indexed by the actions.
    public let values: [Double]

    /// A parameter with a non-empty grid.
    public init(name: String, values: [Double]) {
      self.name = name
      self.values = values
    }
  }

  /// The parameters in choice order.
  public let parameters: [Parameter]
  /// Whether a prefix of chosen indices satisfies the constraints.
  public let isAllowed: @Sendable ([Int]) -> Bool
  /// R(x) > 0 of a complete assignment (indices into the grids).
  public let reward: @Sendable ([Int]) -> Double
  private let offsets: [Int]
  private let maxGrid: Int

  /// A sequence environment; throws if there are no parameters or a grid is empty.
  public init(
    parameters: [Parameter], isAllowed: @escaping @Sendable ([Int]) -> Bool = { _ in true },
    reward: @escaping @Sendable ([Int]) -> Double
  ) throws {
    guard !parameters.isEmpty else {
      throw GFlowNetError.invalidArgument(name: "parameters", value: "[]", expected: "at least one parameter")
    }
    for p in parameters where p.values.isEmpty {
      throw GFlowNetError.invalidArgument(name: "grid of \(p.name)", value: "[]", expected: "at least one value")
    }
    self.parameters = parameters
    self.isAllowed = isAllowed
    self.reward = reward
    var offsets = [0]
    for p in parameters { offsets.append(offsets.last! + p.values.count) }
    self.offsets = offsets
    maxGrid = parameters.map(\.values.count).max()!
  }

  public var actionCount: Int { maxGrid + 1 }
  public var exitAction: Int { maxGrid }
  public var backwardActionCount: Int { 1 }
  public var encodingWidth: Int { offsets.last! }
  public var initialState: [Int] { [] }

  public func encode(_ state: [Int], into row: UnsafeMutableBufferPointer<Float>) {
    for (k, index) in state.enumerated() { row[offsets[k] + index] = 1 }
  }

  public func forwardMask(_ state: [Int]) -> [Bool] {
    var mask = Array(repeating: false, count: actionCount)
    if state.count == parameters.count {
      mask[exitAction] = true
      return mask
    }
    var prefix = state
    prefix.append(0)
    for index in 0..<parameters[state.count].values.count {
      prefix[prefix.count - 1] = index
      mask[index] = isAllowed(prefix)
    }
    return mask
  }

  public func backwardMask(_ state: [Int]) -> [Bool] { [!state.isEmpty] }

  public func step(_ state: [Int], _ action: Int) -> [Int] { state + [action] }

  public func backwardStep(_ state: [Int], _ backwardAction: Int) -> [Int] { Array(state.dropLast()) }

  public func backwardAction(undoing action: Int, from parent: [Int]) -> Int { 0 }

  public func isTerminal(_ state: [Int]) -> Bool { state.count == parameters.count }

  public func logReward(_ state: [Int]) -> Double { log(reward(state)) }

  /// The values a complete assignment stands for, keyed by parameter name.
  public func configuration(_ state: [Int]) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: zip(parameters, state).map { ($0.name, $0.values[$1]) })
  }

  /// Every allowed prefix, shortest first.
  ///
  /// - Complexity: proportional to the number of allowed prefixes; meant for small spaces.
  public var allStates: [[Int]] {
    var states: [[Int]] = [[]]
    var frontier: [[Int]] = [[]]
    while let first = frontier.first, first.count < parameters.count {
      var next: [[Int]] = []
      for s in frontier {
        let mask = forwardMask(s)
        for a in 0..<maxGrid where mask[a] { next.append(s + [a]) }
      }
      states += next
      frontier = next
    }
    return states
  }
}
