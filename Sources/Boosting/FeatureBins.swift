/// How one int8 feature's values 0…4 fall into histogram bins, found as LightGBM's bin finder finds them
/// (bin.cpp: `FindBinWithZeroAsOneBin` + `GreedyFindBin`, with min_data_in_bin = 3).
///
/// Zero gets a bin of its own; the positive values share `maxBin − 1` bins, cut greedily by their counts.
/// With `maxBin ≥ 5` every value is its own bin. Bins are contiguous value ranges, so a split "bin ≤ b" is
/// "value ≤ lastValue[b]".
public struct FeatureBins: Sendable, Equatable, Codable {
  /// The bin of each value 0…4.
  public let binOfValue: [UInt8]
  /// The largest value in each bin.
  public let lastValue: [Int8]
  /// LightGBM's upper bound of each bin (its model.txt threshold for a split after that bin).
  public let upperBounds: [Double]

  /// Number of bins.
  public var count: Int { lastValue.count }

  /// LightGBM's kZeroThreshold (1e-35 as a float, widened).
  static let zeroThreshold = Double(Float(1e-35))

  /// Bins for a feature whose values 0…4 occur `counts[v]` times (values never seen count 0).
  public init(counts: [Int], maxBin: Int, minDataInBin: Int = 3) {
    precondition(counts.count == 5)
    let distinct = (0..<5).filter { counts[$0] > 0 }
    let total = distinct.reduce(0) { $0 + counts[$1] }
    var bounds: [Double]
    if distinct.isEmpty {
      bounds = [.infinity]
    } else {
      // Zero as one bin (no negative values exist): the zero bin, then the positive values greedily.
      bounds = []
      let positive = distinct.filter { $0 > 0 }
      let rightMaxBin = maxBin - 1
      if !positive.isEmpty && rightMaxBin > 0 {
        let right = Self.greedy(
          values: positive.map(Double.init), counts: positive.map { counts[$0] }, maxBin: rightMaxBin,
          total: positive.reduce(0) { $0 + counts[$1] }, minDataInBin: minDataInBin)
        bounds.append(Self.zeroThreshold)
        bounds += right
      } else {
        bounds.append(.infinity)
      }
      _ = total
    }
    upperBounds = bounds
    var bins = [UInt8](repeating: 0, count: 5)
    for v in 0..<5 { bins[v] = UInt8(bounds.firstIndex { Double(v) <= $0 } ?? bounds.count - 1) }
    binOfValue = bins
    lastValue = (0..<bounds.count).map { b in Int8((0..<5).last { bins[$0] == UInt8(b) } ?? 0) }
  }

  /// LightGBM's GreedyFindBin over sorted distinct values.
  static func greedy(values: [Double], counts: [Int], maxBin: Int, total: Int, minDataInBin: Int) -> [Double] {
    let n = values.count
    if n <= maxBin { return fewDistinct(values: values, counts: counts, minDataInBin: minDataInBin) }
    var result: [Double] = []
    var maxBin = maxBin
    if minDataInBin > 0 { maxBin = max(1, min(maxBin, total / minDataInBin)) }
    var meanBinSize = Double(total) / Double(maxBin)
    var restBinCount = maxBin
    var restSampleCount = total
    var isBig = [Bool](repeating: false, count: n)
    for i in 0..<n where Double(counts[i]) >= meanBinSize {
      isBig[i] = true
      restBinCount -= 1
      restSampleCount -= counts[i]
    }
    meanBinSize = Double(restSampleCount) / Double(restBinCount)
    var upperBounds = [Double](repeating: .infinity, count: maxBin)
    var lowerBounds = [Double](repeating: .infinity, count: maxBin)
    var binCount = 0
    lowerBounds[0] = values[0]
    var current = 0
    for i in 0..<(n - 1) {
      if !isBig[i] { restSampleCount -= counts[i] }
      current += counts[i]
      if isBig[i] || Double(current) >= meanBinSize
        || (isBig[i + 1] && Double(current) >= max(1.0, meanBinSize * Double(Float(0.5))))
      {
        upperBounds[binCount] = values[i]
        binCount += 1
        lowerBounds[binCount] = values[i + 1]
        if binCount >= maxBin - 1 { break }
        current = 0
        if !isBig[i] {
          restBinCount -= 1
          meanBinSize = Double(restSampleCount) / Double(restBinCount)
        }
      }
    }
    binCount += 1
    for i in 0..<(binCount - 1) {
      let value = ((upperBounds[i] + lowerBounds[i + 1]) / 2).nextUp
      if result.isEmpty || result.last! < value { result.append(value) }
    }
    result.append(.infinity)
    return result
  }

  /// GreedyFindBin's case of no more distinct values than bins: a bound between neighbours once a bin holds
  /// `minDataInBin` rows.
  private static func fewDistinct(values: [Double], counts: [Int], minDataInBin: Int) -> [Double] {
    var result: [Double] = []
    var current = 0
    for i in 0..<(values.count - 1) {
      current += counts[i]
      if current >= minDataInBin {
        let value = ((values[i] + values[i + 1]) / 2).nextUp
        if result.isEmpty || result.last! < value {
          result.append(value)
          current = 0
        }
      }
    }
    result.append(.infinity)
    return result
  }
}
