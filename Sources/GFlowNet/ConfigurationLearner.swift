import Foundation
import NeuralNetwork

/// A GFlowNet that learns from a few expensive evaluations to propose configurations with probability
/// proportional to their reward: the engine behind mining's `gfn` sampler.
///
/// Configurations are index assignments of a `HyperparameterSequence` (one grid index per parameter).
/// Each evaluated configuration is observed with its log reward. `train()` then takes many trajectory
/// balance steps against R(x) = the observed reward where x was evaluated, else a proxy fitted to the
/// observations (`RewardSurface`: main effects plus interactions); every batch mixes replayed observations
/// with fresh samples of the policy, so evaluations are reused many times and unexplored values keep the
/// mean reward. `propose` draws distinct new configurations from the policy, a share of them uniformly.
///
/// Deterministic: the same settings, observations and call sequence give the same proposals.
public struct ConfigurationLearner: Sendable {
  /// How the learner trains and explores.
  public struct Settings: Sendable, Equatable {
    /// Width of each hidden layer.
    public var hiddenWidth = 128
    /// Number of hidden layers.
    public var hiddenLayers = 2
    /// Adam learning rate of the network. Evaluations arrive a few at a time and the policy must follow
    /// the refitted proxy after each batch: in `bench/samplers` 600 steps at 2e-3 per update found 1.6×
    /// the benchmark-beaters of 200 steps at 1e-3 (seed 0, β 40).
    public var learningRate: Float = 2e-3
    /// Adam learning rate of log Z.
    public var logZLearningRate: Float = 0.1
    /// Trajectories per gradient step.
    public var batchSize = 64
    /// Gradient steps per `train()` call.
    public var stepsPerUpdate = 600
    /// Share of each batch replayed from the observations (true rewards); the rest is sampled on-policy.
    public var observedShare = 0.5
    /// Ridge strength of the proxy.
    public var ridge = 1.0
    /// Whether the proxy fits interactions between ordinal parameters (else it is additive).
    public var interactions = true
    /// Per-action uniform exploration mass of the trajectories sampled for training.
    public var epsilon = 0.1
    /// Share of proposals drawn with uniform actions instead of from the policy. Mixing whole proposals
    /// (not single actions) keeps the rest fully on-policy: ε per action over nine parameters would
    /// leave only 0.9⁹ = 39 % of proposals untouched by exploration.
    public var proposalExploration = 0.1
    /// Seed of initialisation, training and proposals.
    public var seed: UInt64 = 0

    /// The defaults.
    public init() {}
  }

  /// The sequence environment (its own reward is unused: rewards come from observations).
  public let environment: HyperparameterSequence
  /// The settings.
  public let settings: Settings
  /// The evaluated configurations, in observation order.
  public private(set) var assignments: [[Int]] = []
  /// Their log rewards, aligned with `assignments`.
  public private(set) var logRewards: [Double] = []
  /// The proxy fitted at the last `train()`.
  public private(set) var proxy: RewardSurface
  private var trainer: Trainer<HyperparameterSequence>
  private var position: [[Int]: Int] = [:]
  private var rng: RandomSource
  private var trained = false

  /// A fresh learner over `parameters` (grids of values, in choice order) under the prefix constraint;
  /// `ordinal` marks the parameters whose grids are ordered (default: all), the others get no interactions.
  public init(
    parameters: [HyperparameterSequence.Parameter], isAllowed: @escaping @Sendable ([Int]) -> Bool = { _ in true },
    ordinal: [Bool]? = nil, settings: Settings = Settings()
  ) throws {
    guard settings.observedShare >= 0, settings.observedShare <= 1 else {
      throw GFlowNetError.invalidArgument(
        name: "observed share", value: "\(settings.observedShare)", expected: "a number in [0, 1]")
    }
    guard settings.ridge > 0, settings.ridge.isFinite else {
      throw GFlowNetError.invalidArgument(name: "ridge", value: "\(settings.ridge)", expected: "a positive number")
    }
    guard settings.stepsPerUpdate >= 0 else {
      throw GFlowNetError.invalidArgument(
        name: "steps per update", value: "\(settings.stepsPerUpdate)", expected: "at least 0")
    }
    environment = try HyperparameterSequence(parameters: parameters, isAllowed: isAllowed, reward: { _ in 1 })
    self.settings = settings
    var configuration = TrainerConfiguration()
    configuration.hiddenWidth = settings.hiddenWidth
    configuration.hiddenLayers = settings.hiddenLayers
    configuration.learningRate = settings.learningRate
    configuration.logZLearningRate = settings.logZLearningRate
    configuration.batchSize = settings.batchSize
    configuration.epsilon = settings.epsilon
    configuration.uniformBackward = true
    configuration.seed = settings.seed
    trainer = try Trainer(environment: environment, configuration: configuration)
    guard ordinal == nil || ordinal!.count == parameters.count else {
      throw GFlowNetError.invalidArgument(
        name: "ordinal flags", value: "\(ordinal!.count)", expected: "one per parameter (\(parameters.count))")
    }
    proxy = RewardSurface(
      gridSizes: parameters.map(\.values.count), ordinal: ordinal, interactions: settings.interactions,
      ridge: settings.ridge)
    rng = RandomSource(seed: settings.seed ^ 0x5EED_C0FF_EE00_0001)
  }

  /// The learned log Z.
  public var logZ: Double { Double(trainer.logZ) }

  /// Records an evaluated configuration; observing it again replaces its log reward. Throws for an
  /// assignment the environment cannot build (wrong length, index out of its grid, constraint violated)
  /// or a log reward that is not finite.
  public mutating func observe(_ assignment: [Int], logReward: Double) throws {
    var state: [Int] = []
    for index in assignment {
      let mask = environment.forwardMask(state)
      guard state.count < environment.parameters.count, index >= 0, index < environment.exitAction, mask[index] else {
        throw GFlowNetError.invalidArgument(
          name: "observed configuration", value: "\(assignment)", expected: "one allowed grid index per parameter")
      }
      state.append(index)
    }
    guard environment.isTerminal(state) else {
      throw GFlowNetError.invalidArgument(
        name: "observed configuration", value: "\(assignment)",
        expected: "\(environment.parameters.count) indices, one per parameter")
    }
    guard logReward.isFinite else {
      throw GFlowNetError.invalidArgument(name: "log reward", value: "\(logReward)", expected: "a finite number")
    }
    if let i = position[assignment] {
      logRewards[i] = logReward
    } else {
      position[assignment] = assignments.count
      assignments.append(assignment)
      logRewards.append(logReward)
    }
  }

  /// The reward the policy is trained against: observed where evaluated, the proxy elsewhere.
  public func trainingLogReward(_ assignment: [Int]) -> Double {
    if let i = position[assignment] { return logRewards[i] }
    return proxy.predict(assignment)
  }

  /// Refits the proxy and takes `settings.stepsPerUpdate` trajectory balance steps; returns the mean loss.
  ///
  /// - Complexity: `stepsPerUpdate` forward and backward passes over batches of `batchSize` trajectories.
  @discardableResult
  public mutating func train() -> Double {
    proxy.fit(assignments, logRewards: logRewards)
    guard settings.stepsPerUpdate > 0 else { return 0 }
    if !trained {
      // Warm start of log Z: an upper bound of the proxy's log partition function, so trajectory balance
      // need not climb from 0 one learning-rate step at a time.
      try? trainer.restore(network: trainer.policy.network, logZ: Float(proxy.logPartitionBound))
      trained = true
    }
    let replayed = assignments.isEmpty ? 0 : Int((Double(settings.batchSize) * settings.observedShare).rounded())
    let sampler = Sampler(epsilon: settings.epsilon)
    var total = 0.0
    for _ in 0..<settings.stepsPerUpdate {
      var batch = sampler.sample(
        settings.batchSize - replayed, from: environment, policy: &trainer.policy, using: &rng)
      for _ in 0..<replayed {
        batch.append(trajectory(to: assignments[Int.random(in: 0..<assignments.count, using: &rng)]))
      }
      if batch.isEmpty { continue }
      total += trainer.update(batch, logRewards: batch.map { trainingLogReward($0.terminalState) })
    }
    return total / Double(settings.stepsPerUpdate)
  }

  /// Up to `count` distinct complete assignments, none of them in `excluding`: each drawn from the policy,
  /// or with probability `exploration` (default `settings.proposalExploration`) with uniform actions. Fewer
  /// come back only when `attempts` draws found no more new ones.
  public mutating func propose(
    _ count: Int, excluding: Set<[Int]> = [], attempts: Int = 50, exploration: Double? = nil
  ) -> [[Int]] {
    let exploration = exploration ?? settings.proposalExploration
    var seen = excluding
    var proposals: [[Int]] = []
    let onPolicy = Sampler()
    let uniform = Sampler(epsilon: 1)
    var rounds = 0
    while proposals.count < count, rounds < attempts {
      rounds += 1
      let needed = count - proposals.count
      let exploring = (0..<needed).reduce(0) { n, _ in
        n + (Double.random(in: 0..<1, using: &rng) < exploration ? 1 : 0)
      }
      let drawn =
        uniform.sample(exploring, from: environment, policy: &trainer.policy, using: &rng)
        + onPolicy.sample(needed - exploring, from: environment, policy: &trainer.policy, using: &rng)
      for t in drawn {
        let x = t.terminalState
        if seen.insert(x).inserted { proposals.append(x) }
      }
    }
    return proposals
  }

  /// The policy's marginal over each parameter's values, estimated from `samples` on-policy draws (no
  /// uniform exploration, duplicates kept): `[parameter][value index]`, each row summing to 1.
  public mutating func marginals(samples: Int) -> [[Double]] {
    var counts = environment.parameters.map { [Double](repeating: 0, count: $0.values.count) }
    for t in Sampler().sample(samples, from: environment, policy: &trainer.policy, using: &rng) {
      for (k, v) in t.terminalState.enumerated() { counts[k][v] += 1 }
    }
    return counts.map { row in row.map { $0 / Double(max(1, samples)) } }
  }

  /// The policy's exact probability of each assignment in `candidates` (each a complete assignment).
  ///
  /// - Complexity: one forward pass per prefix of every candidate.
  public mutating func probability(of candidates: [[Int]]) -> [Double] {
    candidates.map { x in
      var logP = 0.0
      for k in 0...x.count {
        let state = Array(x[0..<k])
        let out = trainer.policy.outputs(for: [state], in: environment, caching: false)
        let lp = out.withUnsafeBufferPointer {
          MaskedLogSoftmax.logProbabilities(
            UnsafeBufferPointer(rebasing: $0[0..<environment.actionCount]), mask: environment.forwardMask(state))
        }
        logP += lp[k < x.count ? x[k] : environment.exitAction]
      }
      return exp(logP)
    }
  }

  // MARK: - Persistence

  /// The network and log Z as bytes: `MLP.serialized()` followed by log Z as a little-endian Float32.
  /// Observations are not included: the caller stores evaluations and observes them again on resume.
  public func serializedPolicy() -> [UInt8] {
    var bytes = trainer.policy.network.serialized()
    withUnsafeBytes(of: trainer.logZ.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    return bytes
  }

  /// Continues from bytes written by `serializedPolicy()`; `source` names their origin in errors.
  public mutating func restorePolicy(_ bytes: [UInt8], source: String = "<study>") throws {
    guard bytes.count > 4 else {
      throw GFlowNetError.corruptParameters(path: source, reason: "only \(bytes.count) bytes")
    }
    let network = try MLP(serialized: Array(bytes[..<(bytes.count - 4)]), source: source)
    var bits: UInt32 = 0
    for (i, byte) in bytes[(bytes.count - 4)...].enumerated() { bits |= UInt32(byte) << (8 * i) }
    try trainer.restore(network: network, logZ: Float(bitPattern: bits))
    trained = true
  }

  /// The unique trajectory that builds `assignment`: one choice per parameter, then stop.
  func trajectory(to assignment: [Int]) -> Trajectory<[Int]> {
    let states = (0...assignment.count).map { Array(assignment[0..<$0]) }
    return Trajectory(states: states, actions: assignment + [environment.exitAction])
  }
}
