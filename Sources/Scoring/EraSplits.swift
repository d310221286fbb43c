/// One cross-validation split over eras: train on `trainEras`, test on `testEras` (both ascending).
public struct EraSplit: Sendable, Codable, Equatable {
  public let trainEras: [String]
  public let testEras: [String]

  public init(trainEras: [String], testEras: [String]) {
    self.trainEras = trainEras
    self.testEras = testEras
  }
}

/// scikit-learn's `TimeSeriesSplit(n_splits, gap, max_train_size, test_size)`, exactly: the same splits and
/// the same refusals, over the sorted unique eras as Signal Miner uses it.
public struct TimeSeriesSplit: Sendable, Equatable {
  public var nSplits: Int
  public var gap: Int
  public var maxTrainSize: Int?
  public var testSize: Int?

  public init(nSplits: Int, gap: Int = 0, maxTrainSize: Int? = nil, testSize: Int? = nil) {
    self.nSplits = nSplits
    self.gap = gap
    self.maxTrainSize = maxTrainSize
    self.testSize = testSize
  }

  /// Train and test positions for `count` samples, as sklearn yields them.
  public func indices(count: Int) throws -> [(train: [Int], test: [Int])] {
    guard nSplits >= 2 else {
      throw ScoringError(
        "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits=\(nSplits).")
    }
    guard gap >= 0 else { throw ScoringError("gap \(gap): expected 0 or more eras") }
    if let testSize, testSize < 1 { throw ScoringError("test_size \(testSize): expected at least 1") }
    let folds = nSplits + 1
    let test = testSize ?? count / folds
    guard folds <= count else {
      throw ScoringError("Cannot have number of folds=\(folds) greater than the number of samples=\(count).")
    }
    guard count - gap - test * nSplits > 0 else {
      throw ScoringError("Too many splits=\(nSplits) for number of samples=\(count) with test_size=\(test) and gap=\(gap).")
    }
    return stride(from: count - nSplits * test, to: count, by: test).map { start in
      let trainEnd = start - gap
      let trainStart = (maxTrainSize.map { $0 > 0 && $0 < trainEnd } ?? false) ? trainEnd - maxTrainSize! : 0
      return (Array(trainStart..<trainEnd), Array(start..<min(start + test, count)))
    }
  }

  /// The splits over the sorted unique `eras`.
  public func splits(eras: [String]) throws -> [EraSplit] {
    let sorted = Array(Set(eras)).sorted()
    return try indices(count: sorted.count).map { split in
      EraSplit(trainEras: split.train.map { sorted[$0] }, testEras: split.test.map { sorted[$0] })
    }
  }
}

/// Expanding-window k-fold over eras with an embargo: the sorted eras are cut into `folds + 1` contiguous
/// blocks; split k tests block k + 1 and trains on every earlier era except the `embargo` eras just before
/// the test block (so overlapping targets cannot leak).
public struct EmbargoedKFold: Sendable, Equatable {
  public var folds: Int
  public var embargo: Int

  public init(folds: Int, embargo: Int) {
    self.folds = folds
    self.embargo = embargo
  }

  public func splits(eras: [String]) throws -> [EraSplit] {
    let sorted = Array(Set(eras)).sorted()
    guard folds >= 1 else { throw ScoringError("folds \(folds): expected at least 1") }
    guard embargo >= 0 else { throw ScoringError("embargo \(embargo): expected 0 or more eras") }
    let blocks = folds + 1
    guard sorted.count >= blocks else {
      throw ScoringError("\(sorted.count) eras cannot make \(blocks) blocks for \(folds) folds")
    }
    // Block b is eras [bounds[b], bounds[b + 1]); sizes differ by at most one.
    let bounds = (0...blocks).map { $0 * sorted.count / blocks }
    return try (1..<blocks).map { b in
      let trainEnd = bounds[b] - embargo
      guard trainEnd > 0 else {
        throw ScoringError("embargo \(embargo) leaves no training eras before fold \(b) (\(bounds[b]) eras precede it)")
      }
      return EraSplit(trainEras: Array(sorted[0..<trainEnd]), testEras: Array(sorted[bounds[b]..<bounds[b + 1]]))
    }
  }
}
