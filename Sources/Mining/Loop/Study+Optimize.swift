import Foundation
import NumeraiData

/// How much to mine and how wide.
public struct MiningBudget: Sendable {
  /// Sampled configurations the study should hold (besides the benchmark).
  public var trials: Int
  /// Split runs trained at the same time.
  public var jobs: Int
  /// Threads per run.
  public var threadsPerJob: Int
  /// Training seconds (summed over the study's split runs, `StudyProgress.secondsTrained`) after which no new
  /// trial is proposed; what was proposed is still trained. Nil: no limit.
  public var cpuSeconds: Double?

  public init(trials: Int, jobs: Int = 1, threadsPerJob: Int = 1, cpuSeconds: Double? = nil) {
    self.trials = trials
    self.jobs = jobs
    self.threadsPerJob = threadsPerJob
    self.cpuSeconds = cpuSeconds
  }
}

extension Study {
  /// Mines until the study holds `budget.trials` sampled configurations, all trained (or, with
  /// `budget.cpuSeconds`, its runs have trained that long: the round in flight is finished, none is proposed
  /// after), or `shouldStop` turns true (claimed runs are then given back): the benchmark first, then rounds of
  /// propose → store → train → observe; with a CPU budget, a sampler without a batch size proposes `jobs` at a
  /// time. The sampler's state is restored from the study first and saved after every observation and before
  /// each round's proposals are stored, so the same call resumes. Several processes may optimize one study at once. Returns whether it was stopped.
  @discardableResult
  public func optimize(
    dataset: Dataset, sampler: inout some ConfigurationSampler, trainer: (any ModelTrainer)? = nil, budget: MiningBudget,
    shouldStop: @escaping @Sendable () -> Bool = { false }, onSplitFinished: @escaping @Sendable (SplitClaim) -> Void = { _ in }
  ) throws -> Bool {
    let miner = try Miner(
      study: self, dataset: dataset, trainer: trainer ?? GBDTModelTrainer(base: layout.benchmarkParameters))
    if let state = try store.samplerState(sampler.name) { try sampler.restore(state) }
    // A sampler that learns proposes once it has seen everything trained so far; one that does not, at once.
    if try !sampler.observesResults || !hasPendingRuns() {
      try propose(&sampler, budget: budget, engine: miner.trainer.engine)
    }
    while true {
      try miner.run(jobs: budget.jobs, threads: budget.threadsPerJob, shouldStop: shouldStop, finished: onSplitFinished)
      if shouldStop() { return true }
      try observe(&sampler)
      let added = try propose(&sampler, budget: budget, engine: miner.trainer.engine)
      if added == 0, try !hasPendingRuns() { return false }
    }
  }

  /// Tells the sampler every finished trial and saves its state.
  private func observe(_ sampler: inout some ConfigurationSampler) throws {
    if sampler.observesResults {
      let results = try results(allFidelities: true)
      let configurations = Dictionary(uniqueKeysWithValues: try store.trials().map { ($0.id, $0.configuration) })
      let finished = results.filter { !$0.isBenchmark && $0.status == .done }.compactMap { r in
        configurations[r.id].map { StudyHistory.Entry(configuration: $0, result: r) }
      }
      try sampler.observe(
        StudyHistory(
          finished: finished, benchmark: results.first(where: \.isBenchmark), loadPredictions: outOfFoldPredictions(trial:)))
    }
    if let state = sampler.savedState() { try store.saveSamplerState(sampler.name, state) }
  }

  /// Stores the sampler's next round (capped at the budget) after saving its state; returns how many were new.
  @discardableResult
  private func propose(_ sampler: inout some ConfigurationSampler, budget: MiningBudget, engine: String) throws -> Int {
    let existing = try store.trials()
    let sampled = existing.filter { !$0.isBenchmark }.count
    guard sampled < budget.trials else { return 0 }
    if let cpu = budget.cpuSeconds, try store.progress().secondsTrained >= cpu { return 0 }
    let batch = sampler.batchSize ?? (budget.cpuSeconds == nil ? budget.trials : max(1, budget.jobs))
    let count = min(budget.trials, sampled + batch) - sampled
    let proposals = sampler.propose(count, existing: Set(existing.map(\.configuration)))
    // Saved before the proposals are stored, so a sampler that moved on (a new rung) resumes past them.
    if let state = sampler.savedState() { try store.saveSamplerState(sampler.name, state) }
    return try store.addTrials(proposals, sampler: sampler.name, engine: engine, sampledLimit: budget.trials).count
  }

  private func hasPendingRuns() throws -> Bool {
    try !store.splitRuns(status: .pending).isEmpty
  }
}
