import Dispatch
import NumeraiData

/// Scores predictions era by era against a dataset's target, eras in parallel.
public enum EraEvaluation {
  /// Per-era numerai_corr, Pearson and optionally MMC, FNC and max feature exposure.
  ///
  /// `predictions[i]` (and `metaModel[i]`) belong to dataset row `rows[i]`. Eras whose rows have no labelled target
  /// are left out (live eras); the others are scored in parallel on `threads` workers. FNC and max exposure use the
  /// dataset's feature columns `featureColumns` (indices into `dataset.featureNames`).
  ///
  /// - Throws: `ScoringError` when counts disagree, a prediction or meta-model value is not finite, all predictions
  ///   are equal, an era has a single row, or an index is out of range.
  public static func evaluate(
    predictions: [Double], dataset: Dataset, rows: [Int], target: Int,
    metaModel: [Double]? = nil, featureColumns: [Int]? = nil, threads: Int = 2
  ) throws -> EraScores {
    try validate(
      predictions: predictions, dataset: dataset, rows: rows, target: target, metaModel: metaModel,
      featureColumns: featureColumns)
    let scored = try labelledEras(positionsByEra(rows, dataset: dataset), rows: rows, dataset: dataset, target: target)
    let eraWork = scored
    let count = eraWork.count
    let results = ResultBuffer(count: count)
    let workers = max(1, min(threads, count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      dataset.targets.withUnsafeColumn(target) { targetColumn in
        for k in stride(from: worker, to: count, by: workers) {
          let positions = eraWork[k].positions
          results.store(
            k,
            scoreEra(
              positions: positions, predictions: predictions, dataset: dataset, rows: rows,
              targetColumn: targetColumn, metaModel: metaModel, featureColumns: featureColumns))
        }
      }
    }
    let values = results.values
    return EraScores(
      eras: scored.map { dataset.eras[$0.era] },
      corr: values.map(\.corr), pearson: values.map(\.pearson),
      mmc: metaModel == nil ? nil : values.map(\.mmc),
      fnc: featureColumns == nil ? nil : values.map(\.fnc),
      maxExposure: featureColumns == nil ? nil : values.map(\.maxExposure))
  }

  /// The positions in `rows` grouped by era, keeping each era's rows in the caller's order.
  static func positionsByEra(_ rows: [Int], dataset: Dataset) -> [[Int]] {
    var byEra = [[Int]](repeating: [], count: dataset.eras.count)
    let upperBounds = dataset.eraRanges.map(\.upperBound)
    for (position, row) in rows.enumerated() {
      var low = 0
      var high = upperBounds.count - 1
      while low < high {
        let mid = (low + high) / 2
        if upperBounds[mid] <= row { low = mid + 1 } else { high = mid }
      }
      byEra[low].append(position)
    }
    return byEra
  }

  /// The eras with labelled rows, each with its positions; eras without labels (live eras) are left out.
  ///
  /// - Throws: `ScoringError` for an era with a single (labelled) row.
  static func labelledEras(
    _ byEra: [[Int]], rows: [Int], dataset: Dataset, target: Int
  ) throws -> [(era: Int, positions: [Int])] {
    try dataset.targets.withUnsafeColumn(target) { targetColumn in
      var scored: [(era: Int, positions: [Int])] = []
      for (e, positions) in byEra.enumerated() where !positions.isEmpty {
        let labelled = positions.reduce(0) { $0 + (targetColumn[rows[$1]].isNaN ? 0 : 1) }
        if labelled == 0 { continue }
        if positions.count == 1 || labelled == 1 {
          throw ScoringError(
            "era \(dataset.eras[e]) has a single \(positions.count == 1 ? "" : "labelled ")row; every scored era "
              + "needs at least 2 rows with a target")
        }
        scored.append((e, positions))
      }
      return scored
    }
  }

  // MARK: - One era

  struct EraResult {
    var corr = Double.nan
    var pearson = Double.nan
    var mmc = Double.nan
    var fnc = Double.nan
    var maxExposure = Double.nan
  }

  static func scoreEra(
    positions: [Int], predictions: [Double], dataset: Dataset, rows: [Int],
    targetColumn: UnsafeBufferPointer<Float>, metaModel: [Double]?, featureColumns: [Int]?
  ) -> EraResult {
    var result = EraResult()
    let p = positions.map { predictions[$0] }
    let t = positions.map { Double(targetColumn[rows[$0]]) }
    let (pl, tl) = NumeraiMetrics.labelled(p, t)
    let gl = NumeraiMetrics.rankGauss(pl)
    let tc = NumeraiMetrics.centred(tl)
    result.corr = NumeraiMetrics.pearson(NumeraiMetrics.signedPower(tc), NumeraiMetrics.signedPower(gl))
    result.pearson = NumeraiMetrics.pearson(pl, tl)
    if let metaModel {
      let (ml, _) = NumeraiMetrics.labelled(positions.map { metaModel[$0] }, t)
      result.mmc = NumeraiMetrics.contribution(
        gaussPredictions: gl, gaussMeta: NumeraiMetrics.rankGauss(ml), targets: tl)
    }
    if let featureColumns {
      let n = positions.count
      let k = featureColumns.count
      var bins = [Int8](repeating: 0, count: n * k)
      for (j, f) in featureColumns.enumerated() {
        dataset.features.withUnsafeColumn(f) { column in
          for (i, position) in positions.enumerated() { bins[j * n + i] = column[rows[position]] }
        }
      }
      let basis = bins.withUnsafeBufferPointer { FeatureBasis(bins: $0, rowCount: n, featureCount: k) }
      let g = pl.count == p.count ? gl : NumeraiMetrics.rankGauss(p)
      if let residuals = basis.neutralize(g) {
        result.fnc = NumeraiMetrics.numeraiCorr(predictions: residuals, targets: t)
      }
      result.maxExposure = basis.maxAbsCorrelation(p)
    }
    return result
  }

  // MARK: - Checks

  static func validate(
    predictions: [Double], dataset: Dataset, rows: [Int], target: Int, metaModel: [Double]?, featureColumns: [Int]?
  ) throws {
    guard predictions.count == rows.count else {
      throw ScoringError("\(predictions.count) predictions for \(rows.count) rows; expected one prediction per row")
    }
    guard target >= 0 && target < dataset.targetNames.count else {
      throw ScoringError("target index \(target) out of range: the data has \(dataset.targetNames.count) targets")
    }
    if let bad = rows.firstIndex(where: { $0 < 0 || $0 >= dataset.rowCount }) {
      throw ScoringError("row \(rows[bad]) out of range: the data has \(dataset.rowCount) rows")
    }
    if let bad = predictions.firstIndex(where: { !$0.isFinite }) {
      throw ScoringError(
        "prediction for id \(dataset.ids[rows[bad]]) is \(predictions[bad]); expected a finite number")
    }
    if let first = predictions.first, !predictions.contains(where: { $0 != first }) {
      throw ScoringError("all \(predictions.count) predictions equal \(first); constant predictions cannot be scored")
    }
    if let metaModel {
      guard metaModel.count == rows.count else {
        throw ScoringError("\(metaModel.count) meta-model values for \(rows.count) rows; expected one per row")
      }
      if let bad = metaModel.firstIndex(where: { !$0.isFinite }) {
        throw ScoringError("meta model for id \(dataset.ids[rows[bad]]) is \(metaModel[bad]); expected a finite number")
      }
    }
    if let featureColumns, let bad = featureColumns.first(where: { $0 < 0 || $0 >= dataset.featureCount }) {
      throw ScoringError("feature column \(bad) out of range: the data has \(dataset.featureCount) features")
    }
  }
}

/// Per-era results written by the parallel workers.
///
/// Invariant that makes the unchecked sendability sound: each index is written by exactly one worker (eras are
/// striped over workers), and `values` is read only after `concurrentPerform` has returned.
private final class ResultBuffer: @unchecked Sendable {
  private let storage: UnsafeMutableBufferPointer<EraEvaluation.EraResult>

  init(count: Int) {
    storage = .allocate(capacity: count)
    storage.initialize(repeating: EraEvaluation.EraResult())
  }

  deinit { storage.deallocate() }

  func store(_ index: Int, _ value: EraEvaluation.EraResult) { storage[index] = value }

  var values: [EraEvaluation.EraResult] { Array(storage) }
}
