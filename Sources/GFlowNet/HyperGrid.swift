import Foundation

/// torchgfn's hypergrid: states are points of {0,…,H−1}^D, built from the origin by incrementing one
/// coordinate at a time; any state can exit.
///
/// Reward (torchgfn's original): R(s) = R₀ + R₁·Π_d 1[0.25 < |s_d/(H−1) − 0.5|] + R₂·Π_d 1[0.3 <
/// |s_d/(H−1) − 0.5| < 0.4]. Band edges hit exactly (e.g. H = 16, s_d = 3 gives 0.3) are outside, as
/// torchgfn's float comparisons make them; a 1e-12 margin keeps rounding from deciding. Actions `0..<D`
/// increment coordinate d (masked at H−1), action D exits; backward action d decrements coordinate d.
/// The encoding is torchgfn's one-hot per coordinate (width D·H).
public struct HyperGrid: EnumerableEnvironment {
  /// Number of coordinates D.
  public let ndim: Int
  /// Side length H.
  public let height: Int
  /// Base reward.
  public let r0: Double
  /// Outer-region bonus.
  public let r1: Double
  /// Band (mode) bonus.
  public let r2: Double

  /// A hypergrid; throws for `ndim < 1` or `height < 2`.
  public init(ndim: Int, height: Int, r0: Double = 0.1, r1: Double = 0.5, r2: Double = 2) throws {
    guard ndim >= 1 else { throw GFlowNetError.invalidArgument(name: "ndim", value: "\(ndim)", expected: "at least 1") }
    guard height >= 2 else {
      throw GFlowNetError.invalidArgument(name: "height", value: "\(height)", expected: "at least 2")
    }
    guard r0 > 0, r1 >= 0, r2 >= 0 else {
      throw GFlowNetError.invalidArgument(
        name: "reward", value: "(\(r0), \(r1), \(r2))", expected: "R0 > 0, R1, R2 ≥ 0")
    }
    self.ndim = ndim
    self.height = height
    self.r0 = r0
    self.r1 = r1
    self.r2 = r2
  }

  public var actionCount: Int { ndim + 1 }
  public var exitAction: Int { ndim }
  public var backwardActionCount: Int { ndim }
  public var encodingWidth: Int { ndim * height }
  public var initialState: [Int] { Array(repeating: 0, count: ndim) }

  public func encode(_ state: [Int], into row: UnsafeMutableBufferPointer<Float>) {
    for d in 0..<ndim { row[d * height + state[d]] = 1 }
  }

  public func forwardMask(_ state: [Int]) -> [Bool] {
    state.map { $0 < height - 1 } + [true]
  }

  public func backwardMask(_ state: [Int]) -> [Bool] {
    state.map { $0 > 0 }
  }

  public func step(_ state: [Int], _ action: Int) -> [Int] {
    var next = state
    next[action] += 1
    return next
  }

  public func backwardStep(_ state: [Int], _ backwardAction: Int) -> [Int] {
    var previous = state
    previous[backwardAction] -= 1
    return previous
  }

  public func backwardAction(undoing action: Int, from parent: [Int]) -> Int { action }

  public func isTerminal(_ state: [Int]) -> Bool { state.allSatisfy { $0 == height - 1 } }

  /// R(s).
  public func reward(_ state: [Int]) -> Double {
    let tolerance = 1e-12
    var outer = true
    var band = true
    for s in state {
      let a = abs(Double(s) / Double(height - 1) - 0.5)
      if !(a > 0.25 + tolerance) { outer = false }
      if !(a > 0.3 + tolerance && a < 0.4 - tolerance) { band = false }
    }
    return r0 + (outer ? r1 : 0) + (band ? r2 : 0)
  }

  public func logReward(_ state: [Int]) -> Double { log(reward(state)) }

  /// Whether `state` has the highest reward R₀ + R₁ + R₂ (torchgfn's modes).
  public func isMode(_ state: [Int]) -> Bool { reward(state) >= r0 + r1 + r2 - 1e-12 }

  /// All H^D states in mixed-radix order (last coordinate fastest): parents always come first.
  public var allStates: [[Int]] {
    let total = Int(pow(Double(height), Double(ndim)))
    var states: [[Int]] = []
    states.reserveCapacity(total)
    var s = initialState
    for _ in 0..<total {
      states.append(s)
      var d = ndim - 1
      while d >= 0 {
        s[d] += 1
        if s[d] < height { break }
        s[d] = 0
        d -= 1
      }
    }
    return states
  }
}
