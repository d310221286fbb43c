import Foundation

/// Picking an ensemble that is both good and diverse: the `count` trials with the highest mean score whose
/// out-of-fold predictions correlate, on average over all pairs, at most `maxMeanCorrelation`.
///
/// Exact selection is a hard subset problem; this is a Lagrangian greedy. For a penalty λ, start from the best
/// trial and repeatedly add the one maximising score − λ · (mean correlation with those already chosen). λ = 0
/// gives the top `count` by score; growing λ trades score for diversity. The smallest λ whose set meets the bar
/// is found by doubling, then bisection; the best-scoring set that met the bar along the way is then improved by
/// swaps (one chosen trial for one left out, the best gain first) while a swap raises the total score and keeps
/// the bar, so no single swap can improve the result.
public enum DiverseSelection {
  /// Pearson correlation between every pair of prediction vectors (all of one length), using every
  /// `stride`-th row (a deterministic subsample keeps large out-of-fold sets cheap: with 100 k rows the
  /// estimate's error is about 0.003).
  public static func correlations(_ predictions: [[Float]], stride: Int = 1) -> [[Double]] {
    let standardized: [[Float]] = predictions.map { p in
      var x = [Float](); x.reserveCapacity(p.count / max(1, stride) + 1)
      var i = 0
      while i < p.count { x.append(p[i]); i += max(1, stride) }
      let n = Double(x.count)
      let mean = x.reduce(0.0) { $0 + Double($1) } / n
      let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
      let scale = variance > 0 ? 1 / (variance * n).squareRoot() : 0
      return x.map { Float((Double($0) - mean) * scale) }
    }
    let n = standardized.count
    var out = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    // Hot loop (in `dot`): one dot product per pair.
    for a in 0..<n {
      out[a][a] = 1
      for b in (a + 1)..<n {
        let r = dot(standardized[a], standardized[b])
        out[a][b] = r
        out[b][a] = r
      }
    }
    return out
  }

  /// The chosen indices, best score first, or nil when no set the search tries meets the bar (then
  /// `leastMeanCorrelation` tells how close the most diverse one came).
  public static func select(
    scores: [Double], correlations: [[Double]], count: Int, maxMeanCorrelation: Double
  ) -> [Int]? {
    let k = min(count, scores.count)
    guard k > 0 else { return [] }
    func feasible(_ chosen: [Int]) -> Bool { meanCorrelation(chosen, correlations) <= maxMeanCorrelation }
    func total(_ chosen: [Int]) -> Double { chosen.reduce(0) { $0 + scores[$1] } }
    var best: [Int]?
    func consider(_ chosen: [Int]) -> Bool {
      guard feasible(chosen) else { return false }
      if best == nil || total(chosen) > total(best!) { best = chosen }
      return true
    }
    if consider(greedy(scores, correlations, k, penalty: 0)) { return best }
    var high = 1.0
    var doublings = 0
    while !consider(greedy(scores, correlations, k, penalty: high)) {
      high *= 2
      doublings += 1
      if doublings > 40 { return nil }
    }
    var low = high / 2
    if doublings == 0 { low = 0 }
    for _ in 0..<40 {
      let mid = (low + high) / 2
      if consider(greedy(scores, correlations, k, penalty: mid)) { high = mid } else { low = mid }
    }
    return best.map { improvedBySwaps($0, scores, correlations, maxMeanCorrelation).sorted { scores[$0] > scores[$1] } }
  }

  static func improvedBySwaps(_ start: [Int], _ scores: [Double], _ correlations: [[Double]], _ bar: Double) -> [Int] {
    var chosen = start
    guard chosen.count > 1 else { return chosen }
    let pairs = Double(chosen.count * (chosen.count - 1) / 2)
    while true {
      var inSet = [Bool](repeating: false, count: scores.count)
      for i in chosen { inSet[i] = true }
      // rowSum[i] = Σ over chosen j of corr(i, j); the pair sum counts each chosen pair once.
      let rowSum = scores.indices.map { i in chosen.reduce(0.0) { $0 + correlations[i][$1] } }
      let pairSum = (chosen.reduce(0.0) { $0 + rowSum[$1] } - Double(chosen.count)) / 2
      var bestSwap: (position: Int, trial: Int, gain: Double)?
      for (position, out) in chosen.enumerated() {
        for candidate in scores.indices where !inSet[candidate] {
          let gain = scores[candidate] - scores[out]
          guard gain > 0, gain > bestSwap?.gain ?? 0 else { continue }
          let newSum = pairSum - (rowSum[out] - 1) + (rowSum[candidate] - correlations[candidate][out])
          if newSum / pairs <= bar { bestSwap = (position, candidate, gain) }
        }
      }
      guard let swap = bestSwap else { return chosen }
      chosen[swap.position] = swap.trial
    }
  }

  /// The mean pairwise correlation of the most diverse set the search builds (an infinite penalty).
  public static func leastMeanCorrelation(scores: [Double], correlations: [[Double]], count: Int) -> Double {
    meanCorrelation(greedy(scores, correlations, min(count, scores.count), penalty: 1e12), correlations)
  }

  /// Mean correlation over all pairs of `chosen` (0 for fewer than two).
  public static func meanCorrelation(_ chosen: [Int], _ correlations: [[Double]]) -> Double {
    guard chosen.count > 1 else { return 0 }
    var sum = 0.0
    for (i, a) in chosen.enumerated() { for b in chosen[(i + 1)...] { sum += correlations[a][b] } }
    return sum / Double(chosen.count * (chosen.count - 1) / 2)
  }

  static func greedy(_ scores: [Double], _ correlations: [[Double]], _ k: Int, penalty: Double) -> [Int] {
    guard let first = scores.indices.max(by: { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) })
    else { return [] }
    var chosen = [first]
    var taken = [Bool](repeating: false, count: scores.count)
    taken[first] = true
    var correlationSum = correlations[first]
    while chosen.count < k {
      var pick = -1
      var pickGain = -Double.infinity
      for i in scores.indices where !taken[i] {
        let gain = scores[i] - penalty * correlationSum[i] / Double(chosen.count)
        if gain > pickGain { pick = i; pickGain = gain }
      }
      chosen.append(pick)
      taken[pick] = true
      for i in scores.indices { correlationSum[i] += correlations[pick][i] }
    }
    return chosen
  }

  /// Float32 products in 16 SIMD lanes, flushed into a Double every 1024 rows so long vectors keep precision.
  private static func dot(_ a: [Float], _ b: [Float]) -> Double {
    a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in
        guard let xs = x.baseAddress, let ys = y.baseAddress else { return 0 }
        var total = 0.0
        var i = 0
        while i + 16 <= x.count {
          var lanes = SIMD16<Float>()
          let end = min(x.count - x.count % 16, i + 1024)
          while i < end {
            lanes += UnsafeRawPointer(xs + i).loadUnaligned(as: SIMD16<Float>.self)
              * UnsafeRawPointer(ys + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
          }
          total += Double(lanes.sum())
        }
        while i < x.count { total += Double(x[i] * y[i]); i += 1 }
        return total
      }
    }
  }
}
