import Foundation
import NeuralNetwork
import Testing

@testable import GFlowNet

/// Flow matching: zero on an exact flow, gradients equal to finite differences, and trained on the hypergrid
/// its sampler matches the reward distribution (exact L1), like the other losses.
@Suite struct FlowMatchingTests {
  static let grid = try! HyperGrid(ndim: 2, height: 5)

  /// Exact edge flows: F(s) = R(s) + Σ children F(c) / |parents(c)|, each edge carrying F(child) / |parents|,
  /// the exit edge R(s). Every trajectory's balance and reward terms are then 0.
  static func exactLogits() -> [HyperGrid.State: [Double]] {
    let fm = FlowMatching(environment: grid)
    var flow: [HyperGrid.State: Double] = [:]
    for state in grid.allStates.reversed() {
      let mask = grid.forwardMask(state)
      var f = exp(grid.logReward(state))
      for a in mask.indices where mask[a] && a != grid.exitAction {
        let child = grid.step(state, a)
        f += flow[child]! / Double(fm.parentEdges(of: child).count)
      }
      flow[state] = f
    }
    var logits: [HyperGrid.State: [Double]] = [:]
    for state in grid.allStates {
      let mask = grid.forwardMask(state)
      logits[state] = mask.indices.map { a in
        guard mask[a] else { return -.infinity }
        if a == grid.exitAction { return grid.logReward(state) }
        let child = grid.step(state, a)
        return log(flow[child]! / Double(fm.parentEdges(of: child).count))
      }
    }
    return logits
  }

  static func trajectories(count: Int, seed: UInt64) -> [Trajectory<HyperGrid.State>] {
    var rng = RandomSource(seed: seed)
    return (0..<count).map { _ in
      var states = [grid.initialState], actions: [Int] = []
      while true {
        let mask = grid.forwardMask(states.last!)
        let allowed = mask.indices.filter { mask[$0] }
        let a = allowed[Int(rng.next() % UInt64(allowed.count))]
        actions.append(a)
        if a == grid.exitAction { break }
        states.append(grid.step(states.last!, a))
      }
      return Trajectory(states: states, actions: actions)
    }
  }

  @Test func exactFlowsHaveZeroLoss() {
    let fm = FlowMatching(environment: Self.grid)
    let logits = Self.exactLogits()
    let batch = Self.trajectories(count: 40, seed: 1)
    let loss = fm.evaluate(
      fm.balances(batch), terminals: batch.map(\.terminalState), logRewards: batch.map { Self.grid.logReward($0.terminalState) },
      logit: { logits[$0.state]![$0.action] }, addGradient: { _, _ in })
    #expect(loss < 1e-20, "loss \(loss)")
  }

  @Test func gradientsMatchFiniteDifferences() {
    let fm = FlowMatching(environment: Self.grid)
    var rng = RandomSource(seed: 4)
    var logits = Self.exactLogits().mapValues { $0.map { $0.isFinite ? $0 + rng.nextUnit() - 0.5 : $0 } }
    let batch = Self.trajectories(count: 6, seed: 2)
    let balances = fm.balances(batch)
    let terminals = batch.map(\.terminalState)
    let rewards = terminals.map { Self.grid.logReward($0) }
    func loss() -> Double {
      fm.evaluate(balances, terminals: terminals, logRewards: rewards, logit: { logits[$0.state]![$0.action] }, addGradient: { _, _ in })
    }
    var analytic: [HyperGrid.State: [Double]] = logits.mapValues { $0.map { _ in 0 } }
    _ = fm.evaluate(
      balances, terminals: terminals, logRewards: rewards, logit: { logits[$0.state]![$0.action] },
      addGradient: { analytic[$0.state]![$0.action] += $1 })
    for state in Set(batch.flatMap(\.states)) {
      for a in 0..<Self.grid.actionCount where logits[state]![a].isFinite {
        let h = 1e-6
        logits[state]![a] += h
        let up = loss()
        logits[state]![a] -= 2 * h
        let down = loss()
        logits[state]![a] += h
        #expect(abs((up - down) / (2 * h) - analytic[state]![a]) < 1e-6, "\(state) action \(a)")
      }
    }
  }

  /// 2D H8 with the small network, seed 1, as the other losses' test but 32k trajectories: flow matching learns
  /// slower (measured L1 0.062 after 16k, 0.0166 after 32k; log Z 3.1098 against the true 3.1091).
  @Test func learnsTheTwoDimensionalGrid() throws {
    let result = try TrainingTests.train(.fm, trajectories: 32_000, seed: 1)
    #expect(result.l1 <= 0.03, "L1 \(result.l1)")
    #expect(abs(result.logZ - result.trueLogZ) <= 0.01, "log Z \(result.logZ) vs \(result.trueLogZ)")
    #expect(result.modes == 4)
  }
}
