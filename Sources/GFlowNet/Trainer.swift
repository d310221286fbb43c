import Foundation

/// Trains a policy network on an environment with one of the GFlowNet losses.
///
/// Ask/tell friendly: `sampleTrajectories` draws a batch with the exploration settings, `update` takes
/// trajectories and their log rewards (from the environment or any other evaluator, e.g. a mining study)
/// and does one Adam step; `step` does both with the environment's own reward.
public struct Trainer<E: Environment>: Sendable {
  /// The environment.
  public let environment: E
  /// The settings.
  public let configuration: TrainerConfiguration
  /// The network.
  public var policy: PolicyNetwork
  /// The learned log Z (TB).
  public private(set) var logZ: Float = 0
  /// The best objects seen so far.
  public private(set) var replay: ReplayBuffer<E.State>
  /// Trajectories trained on so far.
  public private(set) var trajectoriesSeen = 0
  /// Terminal objects seen so far that satisfy `isMode`.
  public private(set) var modesFound: Set<E.State> = []
  /// Which objects count as modes (for `modesFound`).
  public var isMode: (@Sendable (E.State) -> Bool)?
  private var rng: RandomSource
  private var optimizer: Adam
  private var logZOptimizer: Adam
  private let loss: any GFlowNetLoss

  /// A trainer with a freshly initialised network; throws for an invalid configuration.
  public init(environment: E, configuration: TrainerConfiguration, isMode: (@Sendable (E.State) -> Bool)? = nil) throws
  {
    try configuration.validate()
    self.environment = environment
    self.configuration = configuration
    self.isMode = isMode
    rng = RandomSource(seed: configuration.seed)
    policy = PolicyNetwork(
      for: environment, hiddenWidth: configuration.hiddenWidth, hiddenLayers: configuration.hiddenLayers,
      activation: configuration.activation, uniformBackward: configuration.uniformBackward, using: &rng)
    optimizer = Adam(learningRate: configuration.learningRate)
    logZOptimizer = Adam(learningRate: configuration.logZLearningRate)
    replay = ReplayBuffer(capacity: configuration.replayCapacity)
    switch configuration.loss {
    case .tb: loss = TrajectoryBalance()
    case .db: loss = DetailedBalance()
    case .subtb: loss = SubTrajectoryBalance(lambda: configuration.lambda)
    }
  }

  /// Continues from saved parameters (a resumed run): the network and log Z are replaced, the optimiser's
  /// moment estimates start afresh. Throws if the network's shape differs from this trainer's.
  public mutating func restore(network: MLP, logZ: Float) throws {
    let expected = policy.network.layers.map { [$0.inputCount, $0.outputCount] }
    let found = network.layers.map { [$0.inputCount, $0.outputCount] }
    guard expected == found else {
      throw GFlowNetError.invalidArgument(
        name: "restored network shape", value: "\(found)", expected: "\(expected), the shape of this environment's policy")
    }
    policy.network = network
    self.logZ = logZ
  }

  /// The current estimate of log Z: the learned scalar for TB, log F(s₀) otherwise.
  public mutating func estimatedLogZ() -> Double {
    if loss.usesLogZ { return Double(logZ) }
    let out = policy.outputs(for: [environment.initialState], in: environment, caching: false)
    return Double(out[policy.flowColumn])
  }

  /// One batch from the behaviour policy (ε, temperature), plus the replayed share of the batch.
  public mutating func sampleTrajectories() -> [Trajectory<E.State>] {
    let replayed = replay.count > 0 ? Int(Double(configuration.batchSize) * configuration.replayFraction) : 0
    let sampler = Sampler(epsilon: configuration.epsilon, temperature: configuration.temperature)
    var batch = sampler.sample(configuration.batchSize - replayed, from: environment, policy: &policy, using: &rng)
    for entry in replay.sample(replayed, using: &rng) { batch.append(backwardTrajectory(to: entry.state)) }
    return batch
  }

  /// Samples a batch, scores it with the environment's reward and takes one optimisation step; returns the loss.
  @discardableResult
  public mutating func step() -> Double {
    let batch = sampleTrajectories()
    return update(batch, logRewards: batch.map { environment.logReward($0.terminalState) })
  }

  /// One Adam step on `trajectories` with the given log rewards; returns the loss before the step.
  ///
  /// - Complexity: one forward and one backward pass over the distinct states of the batch.
  @discardableResult
  public mutating func update(_ trajectories: [Trajectory<E.State>], logRewards: [Double]) -> Double {
    precondition(trajectories.count == logRewards.count && !trajectories.isEmpty)
    for (trajectory, logReward) in zip(trajectories, logRewards) {
      replay.add(trajectory.terminalState, logReward: logReward)
      if let isMode, isMode(trajectory.terminalState) { modesFound.insert(trajectory.terminalState) }
    }
    trajectoriesSeen += trajectories.count
    let states = trajectories.flatMap(\.states)
    var offsets = [0]
    for t in trajectories { offsets.append(offsets.last! + t.states.count) }
    let rows = states.count
    let width = policy.outputWidth
    let a = policy.actionCount
    // Row r of the batch is row `unique[r]` of the network's input: each distinct state is evaluated once.
    let (distinct, uniqueRow) = PolicyNetwork.deduplicate(states)
    let outputs = policy.outputs(for: distinct, in: environment, caching: true)
    var logPF = [Double](repeating: 0, count: rows)
    var logPB = [Double](repeating: 0, count: rows)
    var logF = [Double](repeating: 0, count: rows)
    var forwardLogProbabilities: [[Double]] = []
    var backwardLogProbabilities: [[Double]] = Array(repeating: [], count: rows)
    var backwardActions = [Int](repeating: -1, count: rows)
    outputs.withUnsafeBufferPointer { out in
      for (i, trajectory) in trajectories.enumerated() {
        for (k, state) in trajectory.states.enumerated() {
          let r = offsets[i] + k
          let action = trajectory.actions[k]
          let u = uniqueRow[r] * width
          let lp = MaskedLogSoftmax.logProbabilities(
            UnsafeBufferPointer(rebasing: out[u..<(u + a)]), mask: environment.forwardMask(state))
          forwardLogProbabilities.append(lp)
          logPF[r] = lp[action]
          logF[r] = Double(out[u + policy.flowColumn])
          guard action != environment.exitAction else { continue }
          let child = trajectory.states[k + 1]
          let b = environment.backwardAction(undoing: action, from: state)
          let mask = environment.backwardMask(child)
          if policy.uniformBackward {
            logPB[r] = -log(Double(mask.reduce(0) { $0 + ($1 ? 1 : 0) }))
          } else {
            let start = uniqueRow[r + 1] * width + a
            let lq = MaskedLogSoftmax.logProbabilities(
              UnsafeBufferPointer(rebasing: out[start..<(start + policy.backwardActionCount)]), mask: mask)
            backwardLogProbabilities[r] = lq
            backwardActions[r] = b
            logPB[r] = lq[b]
          }
        }
      }
    }
    let scores = TrajectoryScores(offsets: offsets, logPF: logPF, logPB: logPB, logF: logF, logReward: logRewards)
    let gradient = loss.evaluate(scores, logZ: Double(logZ))
    var outputGradient = [Float](repeating: 0, count: distinct.count * width)
    outputGradient.withUnsafeMutableBufferPointer { g in
      for (i, trajectory) in trajectories.enumerated() {
        for k in trajectory.states.indices {
          let r = offsets[i] + k
          let u = uniqueRow[r] * width
          MaskedLogSoftmax.backward(
            logProbabilities: forwardLogProbabilities[r], chosen: trajectory.actions[k], upstream: gradient.logPF[r],
            into: UnsafeMutableBufferPointer(rebasing: g[u..<(u + a)]))
          if backwardActions[r] >= 0 {
            let start = uniqueRow[r + 1] * width + a
            MaskedLogSoftmax.backward(
              logProbabilities: backwardLogProbabilities[r], chosen: backwardActions[r], upstream: gradient.logPB[r],
              into: UnsafeMutableBufferPointer(rebasing: g[start..<(start + policy.backwardActionCount)]))
          }
          g[u + policy.flowColumn] += Float(gradient.logF[r])
        }
      }
    }
    policy.network.zeroGradients()
    policy.network.backward(outputGradient, rows: distinct.count)
    optimizer.beginStep()
    optimizer.update(&policy.network)
    if loss.usesLogZ {
      var value = [logZ]
      logZOptimizer.beginStep()
      logZOptimizer.update(&value, gradients: [Float(gradient.logZ)], slot: 0)
      logZ = value[0]
    }
    return gradient.loss
  }

  /// A trajectory ending in `state`, built backwards with uniformly chosen backward actions.
  private mutating func backwardTrajectory(to state: E.State) -> Trajectory<E.State> {
    var states = [state]
    var actions = [environment.exitAction]
    var current = state
    while true {
      let mask = environment.backwardMask(current)
      let allowed = mask.indices.filter { mask[$0] }
      guard let b = allowed.isEmpty ? nil : allowed[Int.random(in: 0..<allowed.count, using: &rng)] else { break }
      let parent = environment.backwardStep(current, b)
      let forward = (0..<environment.actionCount).first {
        $0 != environment.exitAction && environment.forwardMask(parent)[$0] && environment.step(parent, $0) == current
      }!
      states.append(parent)
      actions.append(forward)
      current = parent
    }
    return Trajectory(states: states.reversed(), actions: actions.reversed())
  }
}
