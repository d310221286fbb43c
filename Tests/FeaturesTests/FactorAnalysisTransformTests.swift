import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Features

/// `fa:K` against scikit-learn's `FactorAnalysis(svd_method="lapack")` on the same rows.
@Suite struct FactorAnalysisTransformTests {
  static let data = PCATransformTests.data

  @Test func matchesScikitLearn() throws {
    try PythonPeer.require(modules: ["sklearn", "numpy"], packages: ["scikit-learn", "numpy"])
    let d = Self.data
    let fa = try FactorAnalysisTransform.fit(4, on: d)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var csv = ""
    for i in 0..<d.rowCount { csv += (0..<d.featureCount).map { String(d.features[i, $0]) }.joined(separator: ",") + "\n" }
    try csv.write(toFile: directory.file("x.csv"), atomically: true, encoding: .utf8)
    let output = try PythonPeer.run(
      script: """
        import json, sys, numpy as np
        from sklearn.decomposition import FactorAnalysis
        x = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
        f = FactorAnalysis(n_components=4, svd_method="lapack").fit(x)
        print(json.dumps({"components": f.components_.tolist(), "noise": f.noise_variance_.tolist(),
                          "loglike": f.loglike_, "scores": f.transform(x)[:50].T.tolist()}))
        """, arguments: [directory.file("x.csv")])
    let sklearn = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let loglike = try #require(sklearn["loglike"] as? [Double])
    #expect(fa.logLikelihoods.count == loglike.count, "iterations")
    let last = try #require(loglike.last)
    #expect(abs(fa.logLikelihoods.last! - last) <= 1e-6 * abs(last), "\(fa.logLikelihoods.last!) vs \(last)")
    let noise = try #require(sklearn["noise"] as? [Double])
    for (ours, theirs) in zip(fa.noiseVariance, noise) { #expect(abs(ours - theirs) <= 1e-6 * theirs) }
    // Loadings up to sign and rotation: WᵀW is invariant to both.
    let components = try #require(sklearn["components"] as? [[Double]])
    let p = d.featureCount
    func gram(_ w: [[Double]]) -> [Double] { (0..<(p * p)).map { i in w.reduce(0) { $0 + $1[i / p] * $1[i % p] } } }
    let (ours, theirs) = (gram(fa.loadings), gram(components))
    let scale = theirs.map(abs).max() ?? 1
    #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) <= 1e-6 * scale })
    // Factor scores of the first 50 rows, each factor up to sign.
    let scores = try fa.scores(d)
    for (k, want) in (try #require(sklearn["scores"] as? [[Double]])).enumerated() {
      let sign = zip(scores[k], want).reduce(0) { $0 + $1.0 * $1.1 } < 0 ? -1.0 : 1.0
      #expect(zip(scores[k], want).allSatisfy { abs(sign * $0 - $1) <= 1e-6 * max(1, abs($1)) }, "factor \(k + 1)")
    }
  }

  @Test func outputsAreBinnedAndTheStageRoundTrips() throws {
    let d = Self.data
    let stage = try FeatureTransforms.fit("fa:3", on: d)
    #expect(stage.outputNames == ["feature_fa_001", "feature_fa_002", "feature_fa_003"])
    let applied = try stage.apply(to: d)
    for range in d.eraRanges {
      var counts = [Int](repeating: 0, count: 5)
      for i in range { counts[Int(applied.features[i, 2])] += 1 }
      #expect(counts == [Int](repeating: range.count / 5, count: 5))
    }
    let loaded = try FeatureTransforms.load(try stage.encoded(), source: "features-fa:3.json")
    #expect(loaded.spec == "fa:3")
    #expect(try loaded.apply(to: d).features.withUnsafeElements(Array.init) == applied.features.withUnsafeElements(Array.init))
  }
}
