import NumeraiData

/// Rows of int8 features stored row by row (contiguous), the input UMAP measures distances on.
struct Int8Rows: Equatable, Sendable {
  /// Features per row.
  let width: Int
  /// `count × width` values, row-major.
  let values: [Int8]

  var count: Int { width == 0 ? 0 : values.count / width }

  init(width: Int, values: [Int8]) {
    self.width = width
    self.values = values
  }

  /// The rows `rows` of `dataset` over its feature columns `columns`, in that order.
  init(_ dataset: Dataset, columns: [Int], rows: [Int]) {
    width = columns.count
    var values = [Int8](repeating: 0, count: rows.count * columns.count)
    for (k, j) in columns.enumerated() {
      dataset.features.withUnsafeColumn(j) { x in
        for (r, i) in rows.enumerated() { values[r * columns.count + k] = x[i] }
      }
    }
    self.values = values
  }

  /// Row `i`'s values.
  func row(_ i: Int) -> ArraySlice<Int8> { values[(i * width)..<((i + 1) * width)] }

  /// Squared Euclidean distance between row `a` of `x` and row `b` of `y` (both `width` wide).
  // PERFORMANCE: the innermost kernel of every neighbour search; int8 differences summed in Int32.
  @inline(__always)
  static func squaredDistance(_ x: UnsafePointer<Int8>, _ y: UnsafePointer<Int8>, width: Int) -> Int32 {
    var sum: Int32 = 0
    for k in 0..<width {
      let d = Int32(x[k]) &- Int32(y[k])
      sum &+= d &* d
    }
    return sum
  }
}
