import Foundation
import Testing

@testable import Mining

/// The predicted similarity of configurations' predictions that guides diverse proposals.
struct OutputSimilarityTests {
  /// Correlations of rank 3 (unit vectors in 3 dimensions) are reproduced exactly for evaluated configurations.
  @Test func evaluatedConfigurationsKeepTheirCorrelations() {
    let assignments = (0..<10).map { [$0 % 5, $0 / 5] }
    let vectors: [[Double]] = (0..<10).map { i in
      let v = [cos(Double(i)), sin(Double(i) * 1.7), 0.5 + Double(i % 3)]
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return v.map { $0 / norm }
    }
    let correlations = vectors.map { a in vectors.map { b in zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } } }
    var model = OutputSimilarity(gridSizes: [5, 2])
    #expect(!model.isFitted)
    model.fit(assignments, correlations: correlations)
    #expect(model.isFitted)
    for i in 0..<10 {
      for j in 0..<10 {
        #expect(abs(model.similarity(assignments[i], assignments[j]) - correlations[i][j]) < 1e-6, "\(i), \(j)")
      }
    }
  }

  /// The first parameter decides the family (correlation 0.9 within, 0.1 across); an unseen level of the
  /// second parameter is embedded with its family.
  @Test func unseenConfigurationsAreEmbeddedWithTheirFamily() {
    let assignments = (0..<2).flatMap { f in (0..<3).map { [f, $0] } }
    let correlations = assignments.map { a in assignments.map { b in a == b ? 1 : a[0] == b[0] ? 0.9 : 0.1 } }
    var model = OutputSimilarity(gridSizes: [2, 4], ordinal: [false, true])
    model.fit(assignments, correlations: correlations)
    for f in 0..<2 {
      let unseen = [f, 3]
      let sameFamily = (0..<3).map { model.similarity(unseen, [f, $0]) }
      let otherFamily = (0..<3).map { model.similarity(unseen, [1 - f, $0]) }
      #expect(sameFamily.allSatisfy { $0 > 0.8 }, "\(sameFamily)")
      #expect(otherFamily.allSatisfy { $0 < 0.3 }, "\(otherFamily)")
    }
    #expect(abs(model.similarity([0, 3], [0, 3]) - 1) < 1e-12)
  }
}
