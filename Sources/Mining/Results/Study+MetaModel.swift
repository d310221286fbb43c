extension Study {
  /// The meta model's value for each out-of-fold row of each split, by the rows' ids (NaN where `byID` has
  /// none), and how many of the rows it covers: what `results(metaModel:)` scores MMC against.
  /// - Throws: when the study keeps no ids (an older study), or no out-of-fold row has a value.
  public func metaModelValues(byID: [String: Double], source: String) throws -> (values: [[Double]], found: Int, total: Int) {
    let splits = layout.splitTargets
    guard splits.allSatisfy({ $0.ids.count == $0.labels.count }) else {
      throw MiningError("\(store.location) does not keep its rows' ids (made by an older version); --meta-model needs a new study")
    }
    let values = splits.map { $0.ids.map { byID[$0] ?? .nan } }
    let found = values.reduce(0) { $0 + $1.filter { !$0.isNaN }.count }
    let total = splits.reduce(0) { $0 + $1.ids.count }
    guard found > 0 else {
      throw MiningError("\(source): none of the study's \(total) out-of-fold ids has a meta-model value; expected the same ids")
    }
    return (values, found, total)
  }
}
