/// Dense operations on small square matrices (factors × factors).
enum SmallMatrix {
  /// The inverse of `a` by Gauss–Jordan elimination with partial pivoting (`a` is overwritten).
  /// - Throws: `FeatureTransformError.badSpec` when `a` is singular.
  static func inverse(_ a: inout [[Double]]) throws -> [[Double]] {
    let n = a.count
    var inverse = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
      guard abs(a[pivot][column]) > 1e-300 else { throw FeatureTransformError.singular }
      a.swapAt(column, pivot)
      inverse.swapAt(column, pivot)
      let scale = 1 / a[column][column]
      for j in 0..<n {
        a[column][j] *= scale
        inverse[column][j] *= scale
      }
      for row in 0..<n where row != column && a[row][column] != 0 {
        let factor = a[row][column]
        for j in 0..<n {
          a[row][j] -= factor * a[column][j]
          inverse[row][j] -= factor * inverse[column][j]
        }
      }
    }
    return inverse
  }
}
