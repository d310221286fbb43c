import NumeraiData

/// What mining needs of its data, checked before a study is made: labels to learn from, eras that can be scored.
public enum MiningDataCheck {
  /// Throws when `target` has no label at all (live data, say); returns warnings (eras of a single row, on which
  /// no correlation can be scored).
  public static func check(_ dataset: Dataset, target: String, source: String) throws -> [String] {
    guard !(try SealedEras.labelledEras(dataset, target: target)).isEmpty else {
      throw MiningError(
        "\(source): no labelled rows (target '\(target)' is NaN in all \(dataset.rowCount) rows); mining needs labelled eras (train or validation data, not live)"
      )
    }
    let single = dataset.eraRanges.indices.filter { dataset.eraRanges[$0].count == 1 }.map { dataset.eras[$0] }
    guard !single.isEmpty else { return [] }
    return ["\(single.count) eras hold a single row (\(single.prefix(3).joined(separator: ", "))\(single.count > 3 ? ", …" : "")); no correlation can be scored on them"]
  }
}
