import Foundation
import NeuralNetwork

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
  var optimizer: Adam
  private var logZOptimizer: Adam
  /// The trajectory-score loss (nil for flow matching, which reads edge flows instead).
  private let loss: (any GFlowNetLoss)?

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
    case .fm: loss = nil
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

  /// The current estimate of log Z: the learned scalar for TB, log F(s₀) otherwise (for flow matching, the
  /// log-sum of s₀'s edge flows).
  public mutating func estimatedLogZ() -> Double {
    if loss?.usesLogZ == true { return Double(logZ) }
    let out = policy.outputs(for: [environment.initialState], in: environment, caching: false)
    guard loss == nil else { return Double(out[policy.flowColumn]) }
    let mask = environment.forwardMask(environment.initialState)
    return FlowMatching<E>.logSumExp(mask.indices.filter { mask[$0] }.map { Double(out[$0]) })
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
    record(trajectories, logRewards: logRewards)
    guard let loss else { return updateFlowMatching(trajectories, logRewards: logRewards) }
    let batch = Batch(trajectories)
    let outputs = policy.outputs(for: batch.distinct, in: environment, caching: true)
    let rows = logProbabilities(batch, outputs: outputs)
    let scores = TrajectoryScores(
      offsets: batch.offsets, logPF: rows.logPF, logPB: rows.logPB, logF: rows.logF, logReward: logRewards)
    let gradient = loss.evaluate(scores, logZ: Double(logZ))
    let outputGradient = self.outputGradient(batch, rows: rows, gradient: gradient)
    policy.network.zeroGradients()
    policy.network.backward(outputGradient, rows: batch.distinct.count)
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

  // MARK: - The steps of an update

  /// The batch's states, one row per visited state, trajectory after trajectory.
  private struct Batch {
    let trajectories: [Trajectory<E.State>]
    /// Trajectory i's states are rows offsets[i] ..< offsets[i + 1].
    let offsets: [Int]
    /// The distinct states, each evaluated by the network once.
    let distinct: [E.State]
    /// Row r of the batch is row `distinctRow[r]` of the network's input.
    let distinctRow: [Int]
    var rowCount: Int { offsets.last! }

    init(_ trajectories: [Trajectory<E.State>]) {
      self.trajectories = trajectories
      var offsets = [0]
      for t in trajectories { offsets.append(offsets.last! + t.states.count) }
      self.offsets = offsets
      (distinct, distinctRow) = PolicyNetwork.deduplicate(trajectories.flatMap(\.states))
    }
  }

  /// Per batch row: the log-probabilities the loss reads, and what their backward pass needs.
  private struct RowLogProbabilities {
    var logPF: [Double]
    var logPB: [Double]
    var logF: [Double]
    /// The masked forward log-softmax of each row.
    var forward: [[Double]] = []
    /// The masked backward log-softmax of each row with a learned backward policy (else empty).
    var backward: [[Double]]
    /// The backward action undoing each row's action, -1 when none is learned.
    var backwardActions: [Int]

    init(rows: Int) {
      logPF = [Double](repeating: 0, count: rows)
      logPB = [Double](repeating: 0, count: rows)
      logF = [Double](repeating: 0, count: rows)
      backward = Array(repeating: [], count: rows)
      backwardActions = [Int](repeating: -1, count: rows)
    }
  }

  /// Adds the terminal states to the replay buffer and the modes found.
  private mutating func record(_ trajectories: [Trajectory<E.State>], logRewards: [Double]) {
    for (trajectory, logReward) in zip(trajectories, logRewards) {
      replay.add(trajectory.terminalState, logReward: logReward)
      if let isMode, isMode(trajectory.terminalState) { modesFound.insert(trajectory.terminalState) }
    }
    trajectoriesSeen += trajectories.count
  }

  /// log P_F, log P_B and log F of every row from the network's outputs for the distinct states.
  private func logProbabilities(_ batch: Batch, outputs: [Float]) -> RowLogProbabilities {
    var rows = RowLogProbabilities(rows: batch.rowCount)
    let width = policy.outputWidth
    let a = policy.actionCount
    outputs.withUnsafeBufferPointer { out in
      for (i, trajectory) in batch.trajectories.enumerated() {
        for (k, state) in trajectory.states.enumerated() {
          let r = batch.offsets[i] + k
          let action = trajectory.actions[k]
          let u = batch.distinctRow[r] * width
          let lp = MaskedLogSoftmax.logProbabilities(
            UnsafeBufferPointer(rebasing: out[u..<(u + a)]), mask: environment.forwardMask(state))
          rows.forward.append(lp)
          rows.logPF[r] = lp[action]
          rows.logF[r] = Double(out[u + policy.flowColumn])
          guard action != environment.exitAction else { continue }
          let child = trajectory.states[k + 1]
          let b = environment.backwardAction(undoing: action, from: state)
          let mask = environment.backwardMask(child)
          if policy.uniformBackward {
            rows.logPB[r] = -log(Double(mask.reduce(0) { $0 + ($1 ? 1 : 0) }))
          } else {
            let start = batch.distinctRow[r + 1] * width + a
            let lq = MaskedLogSoftmax.logProbabilities(
              UnsafeBufferPointer(rebasing: out[start..<(start + policy.backwardActionCount)]), mask: mask)
            rows.backward[r] = lq
            rows.backwardActions[r] = b
            rows.logPB[r] = lq[b]
          }
        }
      }
    }
    return rows
  }

  /// ∂loss/∂(network outputs) of the distinct states, through the masked log-softmaxes and the flow column.
  private func outputGradient(_ batch: Batch, rows: RowLogProbabilities, gradient: LossGradient) -> [Float] {
    let width = policy.outputWidth
    let a = policy.actionCount
    var outputGradient = [Float](repeating: 0, count: batch.distinct.count * width)
    outputGradient.withUnsafeMutableBufferPointer { g in
      for (i, trajectory) in batch.trajectories.enumerated() {
        for k in trajectory.states.indices {
          let r = batch.offsets[i] + k
          let u = batch.distinctRow[r] * width
          MaskedLogSoftmax.backward(
            logProbabilities: rows.forward[r], chosen: trajectory.actions[k], upstream: gradient.logPF[r],
            into: UnsafeMutableBufferPointer(rebasing: g[u..<(u + a)]))
          if rows.backwardActions[r] >= 0 {
            let start = batch.distinctRow[r + 1] * width + a
            MaskedLogSoftmax.backward(
              logProbabilities: rows.backward[r], chosen: rows.backwardActions[r], upstream: gradient.logPB[r],
              into: UnsafeMutableBufferPointer(rebasing: g[start..<(start + policy.backwardActionCount)]))
          }
          g[u + policy.flowColumn] += Float(gradient.logF[r])
        }
      }
    }
    return outputGradient
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
