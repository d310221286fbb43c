/// The per-transition quantities a GFlowNet loss needs for a batch of trajectories, flattened.
///
/// Trajectory i owns transitions `offsets[i]..<offsets[i+1]`; the last one is the exit. For transition t
/// taken in state s_t: `logPF[t]` = log P_F(s_t → next), `logPB[t]` = log P_B(next → s_t) (0 for the exit),
/// `logF[t]` = log F(s_t). `logReward[i]` is log R of trajectory i's object.
public struct TrajectoryScores: Sendable {
  /// Transition ranges per trajectory (count + 1 entries, starting at 0).
  public var offsets: [Int]
  /// log P_F per transition.
  public var logPF: [Double]
  /// log P_B per transition (0 for exits).
  public var logPB: [Double]
  /// log F of each transition's source state.
  public var logF: [Double]
  /// log R per trajectory.
  public var logReward: [Double]

  /// Scores from their parts.
  public init(offsets: [Int], logPF: [Double], logPB: [Double], logF: [Double], logReward: [Double]) {
    precondition(offsets.first == 0 && offsets.count == logReward.count + 1)
    precondition(logPF.count == offsets.last! && logPB.count == logPF.count && logF.count == logPF.count)
    self.offsets = offsets
    self.logPF = logPF
    self.logPB = logPB
    self.logF = logF
    self.logReward = logReward
  }

  /// Number of trajectories.
  public var trajectoryCount: Int { logReward.count }
}

/// A loss value and its gradient with respect to every input of `TrajectoryScores` and log Z.
public struct LossGradient: Sendable {
  /// The loss.
  public var loss: Double
  /// ∂loss/∂logPF.
  public var logPF: [Double]
  /// ∂loss/∂logPB.
  public var logPB: [Double]
  /// ∂loss/∂logF.
  public var logF: [Double]
  /// ∂loss/∂log Z.
  public var logZ: Double

  /// A zero gradient shaped like `scores`.
  public init(zeroFor scores: TrajectoryScores) {
    loss = 0
    logPF = Array(repeating: 0, count: scores.logPF.count)
    logPB = logPF
    logF = logPF
    logZ = 0
  }
}

/// A GFlowNet training objective over a batch of scored trajectories.
public protocol GFlowNetLoss: Sendable {
  /// Whether the objective uses the learned scalar log Z (otherwise log F(s₀) plays its role).
  var usesLogZ: Bool { get }
  /// The loss and its gradient.
  func evaluate(_ scores: TrajectoryScores, logZ: Double) -> LossGradient
}
