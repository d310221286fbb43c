import Foundation

/// Flow matching (Bengio et al. 2021, the first GFlowNet objective), as torchgfn's `FMGFlowNet`: the forward
/// logits are log edge flows log F(s→s'). For every state s' a trajectory visits after s₀, the flow into it
/// (over all its parents' edges) must equal the flow out of it (over its allowed actions, exit included):
/// (log Σ_parents F(s→s') − log Σ_a F(s'→·))², averaged over visits; and each terminal object's exit edge must
/// carry its reward: (log F(x→exit) − log R(x))², averaged over trajectories. P_F is the softmax of the logits.
struct FlowMatching<E: Environment> {
  let environment: E

  /// An edge into or out of a state: the state whose output row holds it, and the action.
  struct Edge {
    var state: E.State
    var action: Int
  }

  /// One balance term: the edges into a visited state and the edges out of it.
  struct Balance {
    var incoming: [Edge]
    var outgoing: [Edge]
  }

  /// The balance terms of `trajectories` (every visited state but the initial one, per visit).
  func balances(_ trajectories: [Trajectory<E.State>]) -> [Balance] {
    trajectories.flatMap { trajectory in
      trajectory.states.dropFirst().map { state in
        let out = environment.forwardMask(state)
        return Balance(incoming: parentEdges(of: state), outgoing: out.indices.filter { out[$0] }.map { Edge(state: state, action: $0) })
      }
    }
  }

  /// Every (parent, forward action) leading to `state`.
  func parentEdges(of state: E.State) -> [Edge] {
    let mask = environment.backwardMask(state)
    return mask.indices.filter { mask[$0] }.map { b in
      let parent = environment.backwardStep(state, b)
      let allowed = environment.forwardMask(parent)
      let action = (0..<environment.actionCount).first {
        $0 != environment.exitAction && allowed[$0] && environment.step(parent, $0) == state
      }!
      return Edge(state: parent, action: action)
    }
  }

  /// The loss and its gradient with respect to the logits: `logit(edge)` reads a logit, `addGradient` adds to it.
  func evaluate(
    _ balances: [Balance], terminals: [E.State], logRewards: [Double], logit: (Edge) -> Double,
    addGradient: (Edge, Double) -> Void
  ) -> Double {
    var loss = 0.0
    let perBalance = 1 / Double(max(balances.count, 1))
    for balance in balances {
      let inflow = balance.incoming.map(logit), outflow = balance.outgoing.map(logit)
      let delta = Self.logSumExp(inflow) - Self.logSumExp(outflow)
      loss += delta * delta * perBalance
      let d = 2 * delta * perBalance
      for (edge, w) in zip(balance.incoming, Self.softmax(inflow)) { addGradient(edge, d * w) }
      for (edge, w) in zip(balance.outgoing, Self.softmax(outflow)) { addGradient(edge, -d * w) }
    }
    let perTerminal = 1 / Double(max(terminals.count, 1))
    for (x, logReward) in zip(terminals, logRewards) {
      let exit = Edge(state: x, action: environment.exitAction)
      let delta = logit(exit) - logReward
      loss += delta * delta * perTerminal
      addGradient(exit, 2 * delta * perTerminal)
    }
    return loss
  }

  static func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    return m + log(x.reduce(0) { $0 + exp($1 - m) })
  }

  static func softmax(_ x: [Double]) -> [Double] {
    let l = logSumExp(x)
    return x.map { exp($0 - l) }
  }
}

extension Trainer {
  /// One Adam step of flow matching on `trajectories`; returns the loss before the step.
  mutating func updateFlowMatching(_ trajectories: [Trajectory<E.State>], logRewards: [Double]) -> Double {
    let fm = FlowMatching(environment: environment)
    let balances = fm.balances(trajectories)
    let terminals = trajectories.map(\.terminalState)
    let states = balances.flatMap { $0.incoming.map(\.state) + $0.outgoing.prefix(1).map(\.state) } + terminals
    let (distinct, _) = PolicyNetwork.deduplicate(states)
    let row = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
    let width = policy.outputWidth
    let outputs = policy.outputs(for: distinct, in: environment, caching: true)
    var gradient = [Float](repeating: 0, count: outputs.count)
    let loss = fm.evaluate(
      balances, terminals: terminals, logRewards: logRewards,
      logit: { Double(outputs[row[$0.state]! * width + $0.action]) },
      addGradient: { gradient[row[$0.state]! * width + $0.action] += Float($1) })
    policy.network.zeroGradients()
    policy.network.backward(gradient, rows: distinct.count)
    optimizer.beginStep()
    optimizer.update(&policy.network)
    return loss
  }
}
