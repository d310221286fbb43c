/// A source of configurations to evaluate (Optuna's ask/tell split): it proposes, the loop stores and trains
/// the proposals, then tells it what finished; a sampler that learns keeps its state in the study.
///
/// A new sampler is one new file: the mining loop (`Study.optimize`) knows only this protocol.
public protocol ConfigurationSampler {
  /// A name stored with each trial and under which its state is saved, e.g. `uniform`.
  var name: String { get }
  /// Configurations per round; nil proposes the whole budget at once (a sampler that does not learn).
  var batchSize: Int? { get }
  /// Whether `observe` wants the study's results (computing them costs a pass over the stored predictions).
  var observesResults: Bool { get }
  /// Up to `count` new configurations that respect the space's constraint and are not in `existing`.
  mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration]
  /// What has finished so far (every finished trial, each round).
  mutating func observe(_ history: StudyHistory) throws
  /// The learned state to save in the study (nil: nothing to save).
  func savedState() -> [UInt8]?
  /// Continues from a state saved by `savedState`.
  mutating func restore(_ state: [UInt8]) throws
}

extension ConfigurationSampler {
  public var batchSize: Int? { nil }
  public var observesResults: Bool { false }
  public mutating func observe(_ history: StudyHistory) throws {}
  public func savedState() -> [UInt8]? { nil }
  public mutating func restore(_ state: [UInt8]) throws {}
}

/// What a sampler may learn from: the finished trials (the benchmark apart) with their scores and
/// configurations, the benchmark's scores, and on demand each trial's out-of-fold predictions.
public struct StudyHistory {
  /// A finished trial.
  public struct Entry {
    public var configuration: TrialConfiguration
    public var result: TrialResult
  }

  /// Finished trials, by id.
  public var finished: [Entry]
  /// The benchmark's scores, once it is done.
  public var benchmark: TrialResult?
  let loadPredictions: (Int) throws -> [Float]?

  public init(finished: [Entry], benchmark: TrialResult?, loadPredictions: @escaping (Int) throws -> [Float]?) {
    self.finished = finished
    self.benchmark = benchmark
    self.loadPredictions = loadPredictions
  }

  /// A finished trial's out-of-fold predictions over every split.
  public func outOfFoldPredictions(_ entry: Entry) throws -> [Float] {
    try loadPredictions(entry.result.id) ?? []
  }
}
