/// Expanding-window k-fold over eras with an embargo: the sorted unique eras are cut into `folds + 1` contiguous
/// blocks (the first `count % (folds + 1)` blocks one era longer, as `np.array_split`); split `i` tests block `i + 1`
/// and trains on every earlier era except the `embargo` eras just before the test block (whose targets overlap it).
public struct EmbargoedKFold: Sendable {
  /// Number of splits (test blocks), ≥ 1.
  public var folds: Int
  /// Eras dropped between each training window and its test block, ≥ 0.
  public var embargo: Int

  /// A splitter with `folds` test blocks and an `embargo`-era gap.
  public init(folds: Int, embargo: Int) {
    self.folds = folds
    self.embargo = embargo
  }

  /// The splits as era labels.
  ///
  /// - Throws: `ScoringError` when `folds < 1`, `embargo < 0`, or some training window would be empty.
  public func splits(eras: [String]) throws -> [EraSplit] {
    guard folds >= 1 else { throw ScoringError("folds must be ≥ 1, got \(folds)") }
    guard embargo >= 0 else { throw ScoringError("embargo must be ≥ 0, got \(embargo)") }
    let unique = EraSplit.sortedUnique(eras)
    let blocks = folds + 1
    let n = unique.count
    var starts: [Int] = []
    var start = 0
    for b in 0..<blocks {
      starts.append(start)
      start += n / blocks + (b < n % blocks ? 1 : 0)
    }
    starts.append(n)
    guard n / blocks >= 1, starts[1] - embargo >= 1 else {
      throw ScoringError(
        "\(n) eras are too few for \(folds) folds with an embargo of \(embargo) eras: the first training window "
          + "would be empty (need at least \(folds + 1 + embargo) eras)")
    }
    return (1...folds).map { b in
      EraSplit(
        trainEras: Array(unique[0..<(starts[b] - embargo)]), testEras: Array(unique[starts[b]..<starts[b + 1]]))
    }
  }
}
