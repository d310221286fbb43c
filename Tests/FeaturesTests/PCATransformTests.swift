import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Features

/// `pca:K` against scikit-learn's `PCA` on the same rows, and the stage's own invariants.
@Suite struct PCATransformTests {
  static let data = try! SyntheticNumerai(.init(eras: 30, rowsPerEra: 120, features: 24, targets: 1, seed: 3, validationEras: 6)).train

  /// Components equal scikit-learn's up to sign (angle ≤ 1e-6 each), explained variance to 1e-9 relative.
  @Test func matchesScikitLearn() throws {
    try PythonPeer.require(modules: ["sklearn", "numpy"], packages: ["scikit-learn", "numpy"])
    let d = Self.data
    let pca = try PCATransform.fit(8, on: d)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var csv = ""
    for i in 0..<d.rowCount {
      csv += (0..<d.featureCount).map { String(d.features[i, $0]) }.joined(separator: ",") + "\n"
    }
    try csv.write(toFile: directory.file("x.csv"), atomically: true, encoding: .utf8)
    let output = try PythonPeer.run(
      script: """
        import json, sys, numpy as np
        from sklearn.decomposition import PCA
        x = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
        p = PCA(n_components=8, svd_solver="full").fit(x)
        print(json.dumps({"components": p.components_.tolist(), "variance": p.explained_variance_.tolist(),
                          "mean": p.mean_.tolist()}))
        """, arguments: [directory.file("x.csv")])
    let sklearn = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let components = try #require(sklearn["components"] as? [[Double]])
    let variance = try #require(sklearn["variance"] as? [Double])
    let means = try #require(sklearn["mean"] as? [Double])
    for (ours, theirs) in zip(pca.means, means) { #expect(abs(ours - theirs) < 1e-12) }
    for k in 0..<8 {
      #expect(abs(pca.explainedVariance[k] - variance[k]) <= 1e-9 * variance[k], "component \(k + 1) variance")
      let dot = zip(pca.components[k], components[k]).reduce(0.0) { $0 + $1.0 * $1.1 }
      let sign = dot < 0 ? -1.0 : 1.0
      let distance = zip(pca.components[k], components[k]).reduce(0.0) { $0 + pow($1.0 - sign * $1.1, 2) }.squareRoot()
      #expect(2 * asin(distance / 2) <= 1e-6, "component \(k + 1): angle \(2 * asin(distance / 2))")
    }
  }

  /// Outputs: stable names, int8 0…4, each era's rows split into five equal-count bins per component.
  @Test func outputsAreBinnedPerEraLikeNumeraisFeatures() throws {
    let d = Self.data
    let transformed = try FeatureTransforms.fit("pca:5", on: d).apply(to: d)
    #expect(transformed.featureNames == ["feature_pca_001", "feature_pca_002", "feature_pca_003", "feature_pca_004", "feature_pca_005"])
    #expect(transformed.ids == d.ids && transformed.eraRanges == d.eraRanges)
    for j in 0..<5 {
      for range in d.eraRanges {
        var counts = [Int](repeating: 0, count: 5)
        for i in range { counts[Int(transformed.features[i, j])] += 1 }
        #expect(counts == [Int](repeating: range.count / 5, count: 5), "era rows \(range), component \(j + 1)")
      }
    }
    // Bins follow the scores: within an era, a higher bin never holds a lower score.
    let pca = try PCATransform.fit(5, on: d)
    let scores = try pca.scores(d)
    for i in d.eraRanges[0] {
      for k in d.eraRanges[0] where transformed.features[i, 0] < transformed.features[k, 0] {
        #expect(scores[0][i] <= scores[0][k])
      }
    }
  }

  @Test func savedStageLoadsAndAppliesIdentically() throws {
    let d = Self.data
    let fitted = try FeatureTransforms.fit("pca:3", on: d)
    let loaded = try FeatureTransforms.load(try fitted.encoded(), source: "features-pca:3.json")
    #expect(loaded.spec == "pca:3")
    #expect(try loaded.apply(to: d).features.withUnsafeElements(Array.init) == (try fitted.apply(to: d).features.withUnsafeElements(Array.init)))
  }

  @Test func badSpecsAreOneClearError() {
    #expect(throws: FeatureTransformError.badSpec("pca:0", expected: "1…24 components")) {
      try FeatureTransforms.fit("pca:0", on: Self.data)
    }
    #expect(throws: FeatureTransformError.badSpec("pca:x", expected: "pca:K with K a whole number")) {
      try FeatureTransforms.fit("pca:x", on: Self.data)
    }
    #expect(throws: FeatureTransformError.unknownSpec("tsne:3")) { try FeatureTransforms.fit("tsne:3", on: Self.data) }
  }
}
