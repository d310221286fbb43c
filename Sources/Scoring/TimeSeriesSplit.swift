/// scikit-learn's `TimeSeriesSplit(n_splits, max_train_size, test_size, gap)`, index for index and error for error.
///
/// With `n` samples, test blocks of `testSize` (default `n / (nSplits + 1)`) end at the last sample; split `i` tests
/// `[n − (nSplits − i)·testSize, … + testSize)` and trains on everything before the test block minus `gap` samples,
/// the last `maxTrainSize` of them when set (0 counts as unset, as in sklearn).
public struct TimeSeriesSplit: Sendable {
  /// Number of splits (≥ 2).
  public var nSplits: Int
  /// Samples left out between each training set and its test block.
  public var gap: Int
  /// Cap on the training set size (the most recent samples are kept).
  public var maxTrainSize: Int?
  /// Test block size; nil means `n / (nSplits + 1)`.
  public var testSize: Int?

  /// A splitter with sklearn's defaults for everything but `nSplits`.
  public init(nSplits: Int = 5, gap: Int = 0, maxTrainSize: Int? = nil, testSize: Int? = nil) {
    self.nSplits = nSplits
    self.gap = gap
    self.maxTrainSize = maxTrainSize
    self.testSize = testSize
  }

  /// The `(train, test)` index lists for `count` samples.
  ///
  /// - Throws: `ScoringError` with sklearn's `ValueError` messages (n_splits < 2, more folds than samples, too many
  ///   splits for the sizes), and for negative `gap`/`maxTrainSize` or a non-positive `testSize`, which sklearn does
  ///   not reject but cannot split sensibly.
  public func indices(count n: Int) throws -> [(train: [Int], test: [Int])] {
    guard nSplits > 1 else {
      throw ScoringError(
        "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got "
          + "n_splits=\(nSplits).")
    }
    guard gap >= 0 else { throw ScoringError("gap must be ≥ 0, got gap=\(gap).") }
    if let maxTrainSize, maxTrainSize < 0 {
      throw ScoringError("max_train_size must be ≥ 0, got max_train_size=\(maxTrainSize).")
    }
    if let testSize, testSize <= 0 { throw ScoringError("test_size must be ≥ 1, got test_size=\(testSize).") }
    let folds = nSplits + 1
    let testSize = self.testSize ?? n / folds
    guard folds <= n else {
      throw ScoringError("Cannot have number of folds=\(folds) greater than the number of samples=\(n).")
    }
    guard n - gap - testSize * nSplits > 0 else {
      throw ScoringError(
        "Too many splits=\(nSplits) for number of samples=\(n) with test_size=\(testSize) and gap=\(gap).")
    }
    var out: [(train: [Int], test: [Int])] = []
    var testStart = n - nSplits * testSize
    while testStart < n {
      let trainEnd = testStart - gap
      let trainStart = (maxTrainSize ?? 0) > 0 && maxTrainSize! < trainEnd ? trainEnd - maxTrainSize! : 0
      out.append((Array(trainStart..<trainEnd), Array(testStart..<min(n, testStart + testSize))))
      testStart += testSize
    }
    return out
  }

  /// The splits over the sorted unique `eras`, as era labels.
  public func splits(eras: [String]) throws -> [EraSplit] {
    let unique = EraSplit.sortedUnique(eras)
    return try indices(count: unique.count).map { split in
      EraSplit(trainEras: split.train.map { unique[$0] }, testEras: split.test.map { unique[$0] })
    }
  }
}
