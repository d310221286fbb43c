import Foundation
import NeuralNetwork
import TestSupport
import Testing

@testable import Features

/// The Gaussian mixture against scikit-learn's `GaussianMixture` from the same starting point, and on known
/// clusters.
@Suite struct GaussianMixtureTests {
  /// 300 samples in 4 dimensions from three well-separated Gaussians (means 0, 6 and −6 on every axis).
  static let samples: [[Double]] = {
    var rng = RandomSource(seed: 21)
    return (0..<300).map { i in
      let centre = [0.0, 6, -6][i % 3]
      return (0..<4).map { j in centre + (1 + 0.3 * Double(j)) * GaussianMath.normal(&rng) }
    }
  }()

  /// Same start (our k-means++ M-step passed as weights_init, means_init, precisions_init): the same number of
  /// EM iterations and the same mean log-likelihood and means to 1e-6.
  @Test func matchesScikitLearnFromTheSameStart() throws {
    try PythonPeer.require(modules: ["sklearn", "numpy"], packages: ["scikit-learn", "numpy"])
    let start = GaussianMixture.initial(Self.samples, components: 3, seed: 4)
    let ours = try GaussianMixture.fit(Self.samples, components: 3, seed: 4)
    let precisions = try start.covariances.map { covariance -> [[Double]] in
      var a = covariance
      return try SmallMatrix.inverse(&a)
    }
    let payload: [String: Any] = [
      "x": Self.samples, "weights": start.weights, "means": start.means, "precisions": precisions,
    ]
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try JSONSerialization.data(withJSONObject: payload).write(to: URL(fileURLWithPath: directory.file("in.json")))
    let output = try PythonPeer.run(
      script: """
        import json, sys, numpy as np
        from sklearn.mixture import GaussianMixture
        p = json.load(open(sys.argv[1]))
        g = GaussianMixture(n_components=3, covariance_type="full", weights_init=p["weights"], means_init=p["means"],
                            precisions_init=p["precisions"], tol=1e-3, reg_covar=1e-6, max_iter=100).fit(np.array(p["x"]))
        print(json.dumps({"lower_bound": g.lower_bound_, "n_iter": g.n_iter_, "means": g.means_.tolist(),
                          "weights": g.weights_.tolist()}))
        """, arguments: [directory.file("in.json")])
    let sklearn = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    #expect(ours.iterations == sklearn["n_iter"] as? Int)
    let lowerBound = try #require(sklearn["lower_bound"] as? Double)
    #expect(abs(ours.logLikelihood - lowerBound) < 1e-6, "\(ours.logLikelihood) vs \(lowerBound)")
    let means = try #require(sklearn["means"] as? [[Double]])
    for (a, b) in zip(ours.means.joined(), means.joined()) { #expect(abs(a - b) < 1e-6) }
  }

  /// Known clusters: three components near means 0, 6, −6 with weights ≈ 1/3; samples follow the weights.
  @Test func recoversKnownClustersAndSamplesThem() throws {
    let g = try GaussianMixture.fit(Self.samples, components: 3, seed: 1)
    let centres = g.means.map { $0[0] }.sorted()
    #expect(abs(centres[0] + 6) < 0.5 && abs(centres[1]) < 0.5 && abs(centres[2] - 6) < 0.5, "\(centres)")
    for w in g.weights { #expect(abs(w - 1.0 / 3) < 0.02) }
    var rng = RandomSource(seed: 3)
    let draws = try (0..<3000).map { _ in try g.sample(using: &rng)[0] }
    let near6 = draws.filter { abs($0 - 6) < 3 }.count
    #expect(abs(Double(near6) / 3000 - 1.0 / 3) < 0.04)
    #expect(throws: FeatureTransformError.self) { try GaussianMixture.fit(Array(Self.samples.prefix(2)), components: 3, seed: 1) }
  }
}
