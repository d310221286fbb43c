import Foundation
import NumeraiData

/// Optuna's Tree-structured Parzen Estimator over the space's grids (univariate, as Optuna's default): after
/// `startupTrials` uniform proposals, finished trials are split by score into the best γ(n) = min(⌈n/10⌉, 25)
/// and the rest; each parameter gets a Parzen density over its grid for each group (Gaussian kernels over grid
/// positions, a categorical kernel for the target, plus a flat prior of weight 1); of `candidates` draws from
/// the good densities, the one with the largest l(x)/g(x) is proposed.
public struct TPESampler: ConfigurationSampler {
  public let space: SearchSpace
  public let fixed: [String: Double]
  /// The score a finished trial is judged by.
  public let reward: TrialReward
  public let startupTrials: Int
  public let candidates: Int
  public let batchSize: Int?
  public var observesResults: Bool { true }
  public var name: String { "tpe" }
  /// Finished trials as grid positions (parameters, then the target) with their scores.
  private var observed: [(position: [Int], score: Double)] = []
  private var rng: SplitMix64

  public init(
    space: SearchSpace, fixed: [String: Double], reward: TrialReward = TrialReward(), seed: UInt64, startupTrials: Int = 10,
    candidates: Int = 24, batch: Int = 8
  ) {
    self.space = space
    self.fixed = fixed
    self.reward = reward
    self.startupTrials = startupTrials
    self.candidates = candidates
    batchSize = batch
    rng = SplitMix64(seed: seed ^ 0x7E5A_11CE_0F0E_57A1)
  }

  /// Grid sizes: parameters, the target, then the searched pipeline dimensions.
  private var gridSizes: [Int] {
    space.parameters.map(\.values.count) + [max(1, space.targets.count)] + space.pipelines.searched.map(\.values.count)
  }

  public mutating func observe(_ history: StudyHistory) throws {
    observed = history.finished.compactMap { entry in
      guard let position = position(of: entry.configuration),
        let score = reward.score(entry.result, benchmark: history.benchmark), score.isFinite
      else { return nil }
      return (position, score)
    }
  }

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    var seen = existing
    var out: [TrialConfiguration] = []
    let densities = observed.count < startupTrials ? nil : parzenDensities()
    var attempts = 0
    while out.count < count, attempts < 100 * max(1, count) {
      attempts += 1
      let position = densities.map { bestCandidate($0, excluding: seen) } ?? draw(gridSizes.map { n in [Double](repeating: 1 / Double(n), count: n) })
      guard let position, let c = configuration(position), space.isAllowed(c.values, fixed: fixed), seen.insert(c).inserted
      else { continue }
      out.append(c)
    }
    return out
  }

  // MARK: - Parzen estimators

  /// Per dimension, the good and the bad groups' densities over the grid.
  private func parzenDensities() -> (good: [[Double]], bad: [[Double]]) {
    let ranked = observed.sorted { $0.score > $1.score }.map(\.position)
    let goodCount = max(1, min(25, (ranked.count + 9) / 10))
    let good = Array(ranked.prefix(goodCount))
    let bad = Array(ranked.dropFirst(goodCount))
    return (gridSizes.indices.map { density(of: good, dimension: $0) }, gridSizes.indices.map { density(of: bad, dimension: $0) })
  }

  /// The Parzen density of `group`'s positions in `dimension`: a flat prior of weight 1 plus one normalised
  /// kernel per position (Gaussian over grid positions with a Scott-like bandwidth; categorical for the target
  /// and the pipeline dimensions).
  private func density(of group: [[Int]], dimension d: Int) -> [Double] {
    let n = gridSizes[d]
    var p = [Double](repeating: 1 / Double(n), count: n)
    let isTarget = d >= space.parameters.count
    let bandwidth = max(1, Double(n) * 0.25 * pow(Double(max(1, group.count)), -0.2))
    for position in group {
      let centre = position[d]
      if isTarget {
        p[centre] += 1
        continue
      }
      let kernel = (0..<n).map { k in exp(-0.5 * pow(Double(k - centre) / bandwidth, 2)) }
      let total = kernel.reduce(0, +)
      for k in 0..<n { p[k] += kernel[k] / total }
    }
    let sum = p.reduce(0, +)
    return p.map { $0 / sum }
  }

  /// Of `candidates` draws from the good densities not yet seen, the one with the largest Σ log l − log g.
  private mutating func bestCandidate(_ densities: (good: [[Double]], bad: [[Double]]), excluding seen: Set<TrialConfiguration>)
    -> [Int]?
  {
    var best: (position: [Int], score: Double)?
    for _ in 0..<candidates {
      let position = draw(densities.good)
      guard let c = configuration(position), !seen.contains(c), space.isAllowed(c.values, fixed: fixed) else { continue }
      let score = position.indices.reduce(0.0) { $0 + log(densities.good[$1][position[$1]]) - log(densities.bad[$1][position[$1]]) }
      if best == nil || score > best!.score { best = (position, score) }
    }
    return best?.position
  }

  /// One grid position per dimension, drawn from `densities`.
  private mutating func draw(_ densities: [[Double]]) -> [Int] {
    densities.map { p in
      var u = Double(rng.next() >> 11) / Double(1 << 53)
      for (k, pk) in p.enumerated() {
        u -= pk
        if u < 0 { return k }
      }
      return p.count - 1
    }
  }

  // MARK: - Grid positions

  private func position(of c: TrialConfiguration) -> [Int]? {
    var out: [Int] = []
    for p in space.parameters {
      guard let v = c.values[p.name], let k = p.values.firstIndex(where: { abs($0 - v) <= 1e-9 * max(1, abs(v)) }) else { return nil }
      out.append(k)
    }
    guard let t = space.targets.isEmpty ? 0 : space.targets.firstIndex(of: c.target), let pipeline = space.pipelines.choices(of: c)
    else { return nil }
    return out + [t] + pipeline
  }

  private func configuration(_ position: [Int]) -> TrialConfiguration? {
    var values: [String: Double] = [:]
    for (d, p) in space.parameters.enumerated() { values[p.name] = p.values[position[d]] }
    let target = position[space.parameters.count]
    return space.pipelines.applying(
      Array(position.dropFirst(space.parameters.count + 1)),
      to: TrialConfiguration(values: values, target: space.targets.isEmpty ? "target" : space.targets[target]))
  }
}
