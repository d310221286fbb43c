/// Trajectory balance (Malkin et al. 2022): the mean over trajectories of
/// (log Z + Σ_t log P_F − log R(x) − Σ_t log P_B)².
public struct TrajectoryBalance: GFlowNetLoss {
  /// A TB loss.
  public init() {}

  public var usesLogZ: Bool { true }

  public func evaluate(_ scores: TrajectoryScores, logZ: Double) -> LossGradient {
    var g = LossGradient(zeroFor: scores)
    let scale = 1 / Double(scores.trajectoryCount)
    for i in 0..<scores.trajectoryCount {
      let range = scores.offsets[i]..<scores.offsets[i + 1]
      var delta = logZ - scores.logReward[i]
      for t in range { delta += scores.logPF[t] - scores.logPB[t] }
      g.loss += delta * delta * scale
      let d = 2 * delta * scale
      g.logZ += d
      for t in range {
        g.logPF[t] = d
        g.logPB[t] = -d
      }
    }
    return g
  }
}
