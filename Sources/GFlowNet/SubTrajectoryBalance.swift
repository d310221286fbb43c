import Foundation

/// Sub-trajectory balance (Madan et al. 2023) with torchgfn's default "geometric_within" weighting.
///
/// For a trajectory with transitions 0…n (n the exit) let Φ_k = log F(s_k) for k ≤ n and Φ_{n+1} = log R(x).
/// Every pair i < j ≤ n+1 contributes (Φ_i + Σ_{t=i}^{j−1}(log P_F − log P_B)_t − Φ_j)² with weight
/// λ^{j−i−1}, normalised to sum to 1 within the trajectory; the loss is the mean over trajectories.
public struct SubTrajectoryBalance: GFlowNetLoss {
  /// The geometric weight of longer sub-trajectories.
  public let lambda: Double

  /// A SubTB loss with weight λ (torchgfn's default 0.9).
  public init(lambda: Double = 0.9) { self.lambda = lambda }

  public var usesLogZ: Bool { false }

  public func evaluate(_ scores: TrajectoryScores, logZ: Double) -> LossGradient {
    var g = LossGradient(zeroFor: scores)
    let batchScale = 1 / Double(scores.trajectoryCount)
    for i in 0..<scores.trajectoryCount {
      let start = scores.offsets[i]
      let length = scores.offsets[i + 1] - start  // transitions, exit included
      // cumulative[k] = Σ_{t<k} (log P_F − log P_B)
      var cumulative = [0.0]
      for t in 0..<length { cumulative.append(cumulative[t] + scores.logPF[start + t] - scores.logPB[start + t]) }
      var total = 0.0
      for span in 1...length { total += Double(length + 1 - span) * pow(lambda, Double(span - 1)) }
      func flow(_ k: Int) -> Double { k == length ? scores.logReward[i] : scores.logF[start + k] }
      var gradCumulative = Array(repeating: 0.0, count: length + 1)
      for a in 0..<length {
        for b in (a + 1)...length {
          let w = pow(lambda, Double(b - a - 1)) / total * batchScale
          let delta = flow(a) + cumulative[b] - cumulative[a] - flow(b)
          g.loss += w * delta * delta
          let d = 2 * w * delta
          g.logF[start + a] += d
          if b < length { g.logF[start + b] -= d }
          gradCumulative[b] += d
          gradCumulative[a] -= d
        }
      }
      // ∂cumulative[k]/∂x_t = 1 for t < k.
      var suffix = 0.0
      for t in stride(from: length - 1, through: 0, by: -1) {
        suffix += gradCumulative[t + 1]
        g.logPF[start + t] += suffix
        g.logPB[start + t] -= suffix
      }
    }
    return g
  }
}
