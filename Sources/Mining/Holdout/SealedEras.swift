import NumeraiData

/// Sealed eras: the last labelled eras of a data set, kept out of every split, reward, fit and selection of a
/// study, so that they stay an honest measure of what mining chose (`Study.holdout`).
public enum SealedEras {
  /// The last `count` eras in which `target` has a label.
  /// - Throws: when the data has fewer labelled eras than `count` plus some to mine on.
  public static func last(_ count: Int, of dataset: Dataset, target: String) throws -> [String] {
    let labelled = try labelledEras(dataset, target: target)
    guard count >= 1, count < labelled.count else {
      throw MiningError("--sealed-eras \(count): expected 1…\(max(1, labelled.count - 1)) (the data has \(labelled.count) labelled eras)")
    }
    return Array(labelled.suffix(count))
  }

  /// The labelled eras from `era` on.
  public static func from(_ era: String, of dataset: Dataset, target: String) throws -> [String] {
    let labelled = try labelledEras(dataset, target: target)
    guard let start = labelled.firstIndex(of: era), start > 0 else {
      throw MiningError("--sealed-from \(era): expected a labelled era after the first (\(labelled.first ?? "none")…\(labelled.last ?? "none"))")
    }
    return Array(labelled[start...])
  }

  /// The eras mining may use: those before the first sealed era (all of them when none is sealed).
  public static func open(_ eras: [String], sealed: [String]) -> [String] {
    guard let first = sealed.first, let end = eras.firstIndex(of: first) else { return eras }
    return Array(eras[..<end])
  }

  /// The eras in which `target` has at least one label, in order.
  public static func labelledEras(_ dataset: Dataset, target: String) throws -> [String] {
    guard let t = dataset.targetIndex(named: target) else { throw MiningError("the data has no target '\(target)'") }
    return dataset.targets.withUnsafeColumn(t) { column in
      dataset.eraRanges.indices.filter { e in dataset.eraRanges[e].contains { !column[$0].isNaN } }.map { dataset.eras[$0] }
    }
  }
}
