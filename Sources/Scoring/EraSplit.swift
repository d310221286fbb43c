/// One cross-validation split as lists of era labels: fit on `trainEras`, score on `testEras`.
public struct EraSplit: Sendable, Codable, Equatable {
  /// Eras to train on, ascending.
  public let trainEras: [String]
  /// Eras to evaluate on, ascending.
  public let testEras: [String]

  /// A split from its two era lists.
  public init(trainEras: [String], testEras: [String]) {
    self.trainEras = trainEras
    self.testEras = testEras
  }
}

extension EraSplit {
  /// The sorted unique eras of a list (Signal Miner splits `df.era.unique()` sorted).
  static func sortedUnique(_ eras: [String]) -> [String] { Array(Set(eras)).sorted() }
}
