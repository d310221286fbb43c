import NumeraiData

/// Continuous feature values binned per era into five equal-count bins (int8 0…4), as Numerai bins its own
/// features: within each era the lowest fifth of rows by value get 0, the next fifth 1, and so on; ties are
/// broken by row order, so the result is deterministic.
enum EraBinning {
  static let bins = 5

  /// `values` (one per row of `dataset`) binned per era.
  static func bin(_ values: [Double], eraRanges: [Range<Int>]) -> [Int8] {
    var out = [Int8](repeating: 0, count: values.count)
    for range in eraRanges {
      let order = range.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
      for (position, row) in order.enumerated() { out[row] = Int8(position * bins / order.count) }
    }
    return out
  }
}
