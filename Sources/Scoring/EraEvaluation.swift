import Foundation
import NumeraiData

/// Per-era scores of one prediction vector, in era order.
public struct EraScores: Sendable, Equatable {
  /// The eras scored (those with at least two labelled rows).
  public var eras: [String]
  /// numerai_corr per era.
  public var corr: [Double]
  /// Plain Pearson correlation per era.
  public var pearson: [Double]
  /// correlation_contribution against the meta model, when one was given.
  public var mmc: [Double]?
  /// feature_neutral_corr, when feature columns were given.
  public var fnc: [Double]?
  /// Max feature exposure, when feature columns were given.
  public var maxExposure: [Double]?
}

/// Scores predictions era by era, the eras in parallel.
public enum EraEvaluation {
  /// Scores `predictions[i]` as the prediction for dataset row `rows[i]`, per era of those rows.
  ///
  /// Eras without labels (Numerai's newest) are skipped; an era with a single labelled row is an error, as
  /// are NaN predictions.
  /// - Complexity: O(rows · log rows) plus O(rows · features²) for FNC; eras spread over `threads` threads.
  public static func evaluate(
    predictions: [Double], dataset: Dataset, rows: [Int], target: Int, metaModel: [Double]? = nil,
    featureColumns: [Int]? = nil, threads: Int = 2
  ) throws -> EraScores {
    precondition(predictions.count == rows.count, "one prediction per row")
    precondition(metaModel.map { $0.count == rows.count } ?? true, "one meta model value per row")
    if let bad = predictions.firstIndex(where: { $0.isNaN }) {
      throw ScoringError("prediction for row \(dataset.ids[rows[bad]]) is NaN, expected a number")
    }
    // Positions of the rows, grouped by era.
    var eraOfRow = [Int32](repeating: -1, count: dataset.rowCount)
    for (e, range) in dataset.eraRanges.enumerated() { for r in range { eraOfRow[r] = Int32(e) } }
    var groups: [Int: [Int]] = [:]
    for (i, r) in rows.enumerated() { groups[Int(eraOfRow[r]), default: []].append(i) }
    let targetColumn = dataset.targets.column(target)
    var eraIndices: [Int] = []
    for e in groups.keys.sorted() {
      let labelled = groups[e]!.filter { !targetColumn[rows[$0]].isNaN }.count
      if labelled == 0 { continue }
      guard labelled >= 2 else {
        throw ScoringError("era \(dataset.eras[e]) has 1 labelled row, expected at least 2 to score it")
      }
      eraIndices.append(e)
    }
    let count = eraIndices.count
    let eraPositions = eraIndices.map { groups[$0]! }
    let targetIndex = target
    let results = UnsafeMutableBufferPointer<(Double, Double, Double, Double, Double)>.allocate(capacity: count)
    defer { results.deallocate() }
    nonisolated(unsafe) let slots = results
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { worker in
      // Each worker fills the slots of its own eras: disjoint writes.
      for k in stride(from: worker, to: count, by: max(1, min(threads, count))) {
        let positions = eraPositions[k]
        let targetColumn = dataset.targets.column(targetIndex)
        let p = positions.map { predictions[$0] }
        let t = positions.map { Double(targetColumn[rows[$0]]) }
        let corr = NumeraiMetrics.numeraiCorr(predictions: p, targets: t)
        let pearson = NumeraiMetrics.pearsonCorr(predictions: p, targets: t)
        var mmc = Double.nan
        if let metaModel {
          mmc = NumeraiMetrics.correlationContribution(
            predictions: p, metaModel: positions.map { metaModel[$0] }, targets: t)
        }
        var fnc = Double.nan
        var exposure = Double.nan
        if let featureColumns {
          let features = featureColumns.map { j in
            let column = dataset.features.column(j)
            return positions.map { Double(column[rows[$0]]) }
          }
          fnc = NumeraiMetrics.featureNeutralCorr(predictions: p, features: features, targets: t)
          exposure = NumeraiMetrics.maxFeatureExposure(predictions: p, features: features).value
        }
        slots[k] = (corr, pearson, mmc, fnc, exposure)
      }
    }
    return EraScores(
      eras: eraIndices.map { dataset.eras[$0] }, corr: results.map(\.0), pearson: results.map(\.1),
      mmc: metaModel == nil ? nil : results.map(\.2), fnc: featureColumns == nil ? nil : results.map(\.3),
      maxExposure: featureColumns == nil ? nil : results.map(\.4))
  }
}
