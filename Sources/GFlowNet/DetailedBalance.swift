/// Detailed balance (Bengio et al. 2021), as torchgfn: the mean over all transitions of
/// (log F(s) + log P_F(s→s') − log F(s') − log P_B(s'→s))², where an exit transition compares
/// log F(x) + log P_F(stop|x) with log R(x).
public struct DetailedBalance: GFlowNetLoss {
  /// A DB loss.
  public init() {}

  public var usesLogZ: Bool { false }

  public func evaluate(_ scores: TrajectoryScores, logZ: Double) -> LossGradient {
    var g = LossGradient(zeroFor: scores)
    let scale = 1 / Double(scores.logPF.count)
    for i in 0..<scores.trajectoryCount {
      let last = scores.offsets[i + 1] - 1
      for t in scores.offsets[i]...last {
        let target = t == last ? scores.logReward[i] : scores.logF[t + 1] + scores.logPB[t]
        let delta = scores.logF[t] + scores.logPF[t] - target
        g.loss += delta * delta * scale
        let d = 2 * delta * scale
        g.logF[t] += d
        g.logPF[t] += d
        if t != last {
          g.logF[t + 1] -= d
          g.logPB[t] -= d
        }
      }
    }
    return g
  }
}
