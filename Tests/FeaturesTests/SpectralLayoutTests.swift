import Foundation
import Testing

@testable import Features

/// UMAP's spectral initialisation against a graph whose Laplacian eigenvectors are known.
@Suite struct SpectralLayoutTests {
  /// Known answer: on a cycle of n nodes the two smallest non-trivial eigenvectors of the normalised Laplacian
  /// span cos(2πi/n) and sin(2πi/n), so a 2-d layout puts every node on one circle of radius √(2/n), a 1/n turn
  /// apart, with orthonormal columns.
  @Test(arguments: [16, 24])
  func aCycleIsLaidOutOnACircle(n: Int) throws {
    var head: [Int32] = []
    var tail: [Int32] = []
    for i in 0..<n {
      for j in [(i + n - 1) % n, (i + 1) % n].sorted() {
        head.append(Int32(i))
        tail.append(Int32(j))
      }
    }
    let edges = FuzzySimplicialSet.Edges(head: head, tail: tail, weight: Array(repeating: 1, count: head.count))
    let layout = try #require(SpectralLayout.layout(edges, count: n, dim: 2, seed: 5))
    let radius = (2 / Double(n)).squareRoot()
    for i in 0..<n {
      #expect(abs((layout[2 * i] * layout[2 * i] + layout[2 * i + 1] * layout[2 * i + 1]).squareRoot() - radius) < 1e-6, "node \(i)")
      let turn = atan2(layout[2 * i + 1], layout[2 * i]) - atan2(layout[2 * ((i + 1) % n) + 1], layout[2 * ((i + 1) % n)])
      let step = abs(remainder(turn, 2 * .pi))
      #expect(abs(step - 2 * .pi / Double(n)) < 1e-6, "node \(i) to the next: \(step)")
    }
    let cross = (0..<n).reduce(0.0) { $0 + layout[2 * $1] * layout[2 * $1 + 1] }
    #expect(abs(cross) < 1e-6)
  }
}
