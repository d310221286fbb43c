import Foundation
import TestSupport
import Testing

import NumeraiData

@testable import Mining

/// Choosing a good and diverse ensemble (`select`).
struct DiverseSelectionTests {
  @Test func correlationsAreExactPearson() {
    let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 9]
    let y = x.map { 2 * $0 + 1 }
    let z = x.map { -$0 }
    // w is orthogonal to x after centring: Σ (x − mean)(w − mean) = 0.
    let w: [Float] = [1, -1, -1, 1, 1, -1, -1, 1]
    let r = DiverseSelection.correlations([x, y, z, w])
    #expect(abs(r[0][1] - 1) < 1e-6 && abs(r[0][2] + 1) < 1e-6 && r[1][0] == r[0][1])
    #expect(r[0][0] == 1 && r[3][3] == 1)
    let xm = x.map(Double.init).reduce(0, +) / 8
    let expected = zip(x, w).reduce(0.0) { $0 + (Double($1.0) - xm) * Double($1.1) }
      / (x.reduce(0.0) { $0 + (Double($1) - xm) * (Double($1) - xm) }.squareRoot() * 8.squareRoot())
    #expect(abs(r[0][3] - expected) < 1e-6)
    // Long vectors (past the 1024-row flush and a ragged tail): matches a Double computation.
    let n = 5000
    let a = (0..<n).map { Float(sin(Double($0) * 0.37)) }
    let b = (0..<n).map { i in Float(sin(Double(i) * 0.37) + 0.8 * cos(Double(i) * 1.3)) }
    func pearson(_ p: [Float], _ q: [Float]) -> Double {
      let pm = p.reduce(0.0) { $0 + Double($1) } / Double(p.count)
      let qm = q.reduce(0.0) { $0 + Double($1) } / Double(q.count)
      var sxy = 0.0, sxx = 0.0, syy = 0.0
      for (u, v) in zip(p, q) {
        sxy += (Double(u) - pm) * (Double(v) - qm)
        sxx += (Double(u) - pm) * (Double(u) - pm)
        syy += (Double(v) - qm) * (Double(v) - qm)
      }
      return sxy / (sxx * syy).squareRoot()
    }
    #expect(abs(DiverseSelection.correlations([a, b])[0][1] - pearson(a, b)) < 1e-6)
    // A stride uses every k-th row.
    let strided = DiverseSelection.correlations([a, b], stride: 3)[0][1]
    let sa = Swift.stride(from: 0, to: n, by: 3).map { a[$0] }
    let sb = Swift.stride(from: 0, to: n, by: 3).map { b[$0] }
    #expect(abs(strided - pearson(sa, sb)) < 1e-6)
  }

  /// Three near-duplicates of the best model, one independent model a little worse, two weak ones.
  static let scores = [1.0, 0.99, 0.98, 0.9, 0.5, 0.4]
  static let correlations: [[Double]] = {
    var c = [[Double]](repeating: [Double](repeating: 0.3, count: 6), count: 6)
    for i in 0..<6 { c[i][i] = 1 }
    for i in 0..<3 { for j in 0..<3 where i != j { c[i][j] = 0.98 } }
    return c
  }()

  @Test func aLooseBarKeepsTheTopByScore() {
    let chosen = DiverseSelection.select(
      scores: Self.scores, correlations: Self.correlations, count: 3, maxMeanCorrelation: 0.99)
    #expect(chosen == [0, 1, 2])
  }

  @Test func aTightBarSwapsDuplicatesForTheBestDifferentModels() {
    // Two of three: any two duplicates correlate 0.98; the best pair under 0.5 is the best model and the
    // independent one.
    #expect(
      DiverseSelection.select(scores: Self.scores, correlations: Self.correlations, count: 2, maxMeanCorrelation: 0.5)
        == [0, 3])
    // Three under (0.98 + 0.3 + 0.3) / 3 = 0.527: two duplicates and the independent one is the best such set.
    let three = DiverseSelection.select(
      scores: Self.scores, correlations: Self.correlations, count: 3, maxMeanCorrelation: 0.53)
    #expect(three == [0, 1, 3])
    #expect(abs(DiverseSelection.meanCorrelation([0, 1, 3], Self.correlations) - (0.98 + 0.3 + 0.3) / 3) < 1e-12)
    // Under 0.4 no two duplicates may stay: the best model, the independent one, then the best weak one.
    #expect(
      DiverseSelection.select(scores: Self.scores, correlations: Self.correlations, count: 3, maxMeanCorrelation: 0.4)
        == [0, 3, 4])
  }

  @Test func anImpossibleBarIsNilWithTheClosestReached() {
    #expect(
      DiverseSelection.select(scores: Self.scores, correlations: Self.correlations, count: 3, maxMeanCorrelation: 0.2)
        == nil)
    #expect(
      abs(DiverseSelection.leastMeanCorrelation(scores: Self.scores, correlations: Self.correlations, count: 3) - 0.3)
        < 1e-12)
  }

  @Test func selectOnAMinedStudyMeetsTheBarOrFailsWithOneLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let mine = try MiningProcessTests.prepare(dir, trials: 6)
    #expect(try CommandLineTool.run(mine).status == 0)
    let study = dir.file("s.sqlite")
    func select(_ extra: [String]) throws -> [String: Any] {
      let run = try CommandLineTool.run(["select", "--study", study, "--count", "3", "--json"] + extra)
      #expect(run.status == 0, "\(run.stderr)")
      return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    }
    // A bar of 1 keeps the top 3 by whole Sharpe, as `results` ranks them.
    let loose = try select(["--max-mean-correlation", "1"])
    let results = try CommandLineTool.run(["results", "--study", study, "--json"])
    let ranked = (try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as! [[String: Any]])
      .filter { $0["is_benchmark"] as? Bool == false }
      .sorted { ($0["whole_sharpe"] as! Double) > ($1["whole_sharpe"] as! Double) }
    #expect((loose["trials"] as! [Int]) == ranked.prefix(3).map { ($0["id"] as! NSNumber).intValue })
    #expect((loose["mean_score"] as! Double) == (loose["top_mean_score"] as! Double))
    // A bar between the most diverse 3 and the top 3 is met, with a mean score no higher than the top's.
    let top = loose["mean_correlation"] as! Double
    let bar = top - 0.002
    let tight = try CommandLineTool.run(
      ["select", "--study", study, "--count", "3", "--json", "--max-mean-correlation", "\(bar)"])
    if tight.status == 0 {
      let chosen = try JSONSerialization.jsonObject(with: Data(tight.stdout.utf8)) as! [String: Any]
      #expect((chosen["mean_correlation"] as! Double) <= bar)
      #expect((chosen["mean_score"] as! Double) <= (loose["mean_score"] as! Double))
      #expect(Set(chosen["trials"] as! [Int]) != Set(loose["trials"] as! [Int]))
    } else {
      #expect(tight.stderr.contains("the most diverse 3 found"), "\(tight.stderr)")
    }
    // Impossible: one line naming the study, exit 1, nothing on stdout.
    let refused = try CommandLineTool.run(["select", "--study", study, "--max-mean-correlation=-0.99"])
    #expect(refused.status == 1 && refused.stdout.isEmpty)
    #expect(refused.stderr.contains("s.sqlite") && refused.stderr.contains("the most diverse"), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count == 1)
    let badScore = try CommandLineTool.run(["select", "--study", study, "--score", "sortino"])
    #expect(badScore.status != 0 && badScore.stderr.contains("--score sortino"))
  }
}

extension DiverseSelectionTests {
  /// Random instances: the result meets the bar, and no single swap of a chosen trial for one left out keeps the
  /// bar and raises the total score; on these small instances it matches the exhaustive optimum in 39 of 40 (seeded).
  @Test func resultsAreFeasibleAndSwapOptimal() {
    var rng = SplitMix64(seed: 11)
    var optimal = 0
    for _ in 0..<40 {
      let n = 9
      let k = 4
      // Correlations from cosines of random 6-dimensional points: a valid correlation matrix.
      let points = (0..<n).map { _ in (0..<6).map { _ in Double.random(in: -1...1, using: &rng) } }
      let norms = points.map { p in p.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      let c = (0..<n).map { i in (0..<n).map { j in zip(points[i], points[j]).reduce(0) { $0 + $1.0 * $1.1 } / (norms[i] * norms[j]) } }
      let scores = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) }
      let bar = 0.1
      let subsets = (0..<(1 << n)).filter { $0.nonzeroBitCount == k }.map { mask in (0..<n).filter { mask & (1 << $0) != 0 } }
      let feasible = subsets.filter { DiverseSelection.meanCorrelation($0, c) <= bar }
      let bestTotal = feasible.map { $0.reduce(0) { $0 + scores[$1] } }.max()
      guard let chosen = DiverseSelection.select(scores: scores, correlations: c, count: k, maxMeanCorrelation: bar) else {
        continue
      }
      #expect(DiverseSelection.meanCorrelation(chosen, c) <= bar + 1e-12)
      let total = chosen.reduce(0) { $0 + scores[$1] }
      for position in chosen.indices {
        for other in 0..<n where !chosen.contains(other) {
          var swapped = chosen
          swapped[position] = other
          let better = swapped.reduce(0) { $0 + scores[$1] } > total + 1e-12
          #expect(!(better && DiverseSelection.meanCorrelation(swapped, c) <= bar - 1e-12), "swap improves \(chosen)")
        }
      }
      if let bestTotal, abs(total - bestTotal) < 1e-12 { optimal += 1 }
    }
    #expect(optimal >= 36, "exhaustive optimum reached \(optimal) of 40 times")
  }
}
