import Foundation
import Testing

@testable import Features

/// Known answers and invariants of the symmetric eigendecomposition.
@Suite struct SymmetricEigenTests {
  @Test func twoByTwoKnownAnswer() {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2 up to sign.
    let eigen = SymmetricEigen(symmetric: [2, 1, 1, 2], size: 2)
    #expect(abs(eigen.values[0] - 3) < 1e-15 && abs(eigen.values[1] - 1) < 1e-15)
    let r = 1 / 2.0.squareRoot()
    #expect(abs(eigen.vectors[0][0] - r) < 1e-15 && abs(eigen.vectors[0][1] - r) < 1e-15)
    #expect(abs(abs(eigen.vectors[1][0]) - r) < 1e-15 && abs(eigen.vectors[1][0] + eigen.vectors[1][1]) < 1e-15)
  }

  @Test func diagonalAndRepeatedEigenvalues() {
    let eigen = SymmetricEigen(symmetric: [5, 0, 0, 0, -1, 0, 0, 0, 5], size: 3)
    #expect(eigen.values == [5, 5, -1])
    #expect(eigen.vectors[2].map(abs) == [0, 1, 0])
  }

  /// A random symmetric 40 × 40: A v = λ v for every pair, and the vectors are orthonormal.
  @Test func reconstructsARandomSymmetricMatrix() {
    let n = 40
    var state: UInt64 = 11
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in i..<n { a[i * n + j] = next(); a[j * n + i] = a[i * n + j] } }
    let eigen = SymmetricEigen(symmetric: a, size: n)
    #expect(zip(eigen.values, eigen.values.dropFirst()).allSatisfy { $0 >= $1 })
    for k in 0..<n {
      let v = eigen.vectors[k]
      for i in 0..<n {
        let av = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * v[$1] }
        #expect(abs(av - eigen.values[k] * v[i]) < 1e-12)
      }
      for l in k..<n {
        let dot = zip(v, eigen.vectors[l]).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(abs(dot - (k == l ? 1 : 0)) < 1e-12)
      }
    }
  }
}
