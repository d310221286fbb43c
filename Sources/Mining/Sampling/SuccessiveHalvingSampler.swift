import Foundation

/// Successive halving and Hyperband over fidelities (Li et al. 2018; the anchor is Optuna's `HyperbandPruner`):
/// a `base` sampler (uniform, tpe or gfn) proposes new configurations, which are evaluated cheaply first
/// (`TrialConfiguration.fidelity`: fewer trees at a higher learning rate) and the best third promoted to the
/// next fidelity, up to 1.
///
/// With η and the minimum fidelity, s_max = ⌊log_η(1 / minimum)⌋. Bracket s starts n = ⌈(s_max+1)/(s+1) · η^s⌉
/// base proposals at fidelity η^−s; rung i holds ⌊n / η^i⌋ of them at fidelity η^(i−s), the best of rung i−1
/// by `reward` (the validation fold by default; never the test fold unless the reward says so), promoted once
/// all of rung i−1 finished. Each rung spends about the same tree count, n · η^−s trees-at-full. `halving` runs
/// bracket s_max again and again; `hyperband` cycles s = s_max, …, 0.
///
/// The base observes every finished configuration once, at the highest fidelity it reached (as fidelity 1), so
/// a learning base learns across fidelities. The schedule and the base's state are saved together, so a
/// resumed `mine` proposes the same next rung. Only fidelity 1 trials are models (`Study.results`).
public struct SuccessiveHalvingSampler: ConfigurationSampler {
  /// Which brackets run.
  public enum Mode: String, Sendable, CaseIterable {
    /// Bracket s_max, repeated.
    case halving
    /// Brackets s_max, …, 0, cycled.
    case hyperband
  }

  /// One rung of a bracket: how many configurations, at which fidelity.
  public struct Rung: Sendable, Equatable {
    public var count: Int
    public var fidelity: Double
  }

  /// The bracket in progress: its rung and that rung's configurations (at the rung's fidelity), which finished
  /// and their scores.
  struct Schedule: Codable, Equatable {
    var bracketsStarted = 0
    var rung = 0
    var members: [TrialConfiguration] = []
    var finished: [Bool] = []
    var scores: [Double?] = []
  }

  /// What `savedState` writes: the schedule and the base's own state.
  private struct Saved: Codable {
    var schedule: Schedule
    var base: Data?
  }

  public private(set) var base: any ConfigurationSampler
  public let mode: Mode
  public let eta: Int
  /// The lowest fidelity, η^−s_max.
  public let minimumFidelity: Double
  /// The score that ranks a rung.
  public let reward: TrialReward
  /// s_max: the most rungs below fidelity 1.
  public let maxBracket: Int
  var schedule = Schedule()

  public var name: String { mode.rawValue }
  public var observesResults: Bool { true }
  /// The largest rung: no round proposes more.
  public var batchSize: Int? {
    (0...maxBracket).map { Self.rungs(bracket: $0, maxBracket: maxBracket, eta: eta)[0].count }.max()
  }

  /// - Throws: when η < 2 or the minimum fidelity is not in (0, 1].
  public init(
    base: any ConfigurationSampler, mode: Mode, eta: Int = 3, minimumFidelity: Double = 1.0 / 9, reward: TrialReward
  )
    throws
  {
    guard eta >= 2 else { throw MiningError("--eta \(eta): expected an integer ≥ 2") }
    guard TrialConfiguration.isValidFidelity(minimumFidelity) else {
      throw MiningError("--min-fidelity \(minimumFidelity): expected a number in (0, 1]")
    }
    self.base = base
    self.mode = mode
    self.eta = eta
    self.reward = reward
    // The tolerance keeps 1/9 at η = 3 from falling a rung short.
    maxBracket = Int((log(1 / minimumFidelity) / log(Double(eta)) + 1e-9).rounded(.down))
    self.minimumFidelity = 1 / pow(Double(eta), Double(maxBracket))
  }

  /// Bracket s's rungs: ⌊n / η^i⌋ configurations at fidelity η^(i−s), i = 0…s, n = ⌈(s_max+1)/(s+1) · η^s⌉.
  public static func rungs(bracket s: Int, maxBracket: Int, eta: Int) -> [Rung] {
    let e = Double(eta)
    let n = Int((Double(maxBracket + 1) / Double(s + 1) * pow(e, Double(s))).rounded(.up))
    return (0...s).map { i in
      Rung(count: max(1, Int(Double(n) / pow(e, Double(i)))), fidelity: 1 / pow(e, Double(s - i)))
    }
  }

  /// The bracket the `k`-th started bracket (from 0) is.
  func bracket(_ k: Int) -> Int { mode == .halving ? maxBracket : maxBracket - k % (maxBracket + 1) }

  /// The bracket in progress (s) and its rungs.
  private var currentRungs: [Rung] {
    Self.rungs(bracket: bracket(max(0, schedule.bracketsStarted - 1)), maxBracket: maxBracket, eta: eta)
  }

  // MARK: - Ask / tell

  public mutating func propose(_ count: Int, existing: Set<TrialConfiguration>) -> [TrialConfiguration] {
    if schedule.members.isEmpty || schedule.finished.allSatisfy({ $0 }) {
      if !schedule.members.isEmpty && schedule.rung + 1 < currentRungs.count {
        promote()
      } else {
        startBracket(existing)
      }
    }
    let stored = Fidelities(existing)
    return Array(schedule.members.filter { !stored.contains($0) }.prefix(count))
  }

  public mutating func observe(_ history: StudyHistory) throws {
    for entry in history.finished {
      guard let k = schedule.members.firstIndex(where: { Fidelities.same($0, entry.configuration) }) else { continue }
      schedule.finished[k] = true
      schedule.scores[k] = reward.score(entry.result, benchmark: history.benchmark).flatMap { $0.isFinite ? $0 : nil }
    }
    // The base sees each configuration once, at the highest fidelity it reached.
    var highest: [TrialConfiguration: StudyHistory.Entry] = [:]
    for entry in history.finished {
      let key = entry.configuration.at(fidelity: 1)
      if highest[key].map({ $0.configuration.fidelity < entry.configuration.fidelity }) ?? true { highest[key] = entry }
    }
    let entries = history.finished.compactMap { e -> StudyHistory.Entry? in
      let key = e.configuration.at(fidelity: 1)
      guard highest[key]?.result.id == e.result.id else { return nil }
      return StudyHistory.Entry(configuration: key, result: e.result)
    }
    try base.observe(
      StudyHistory(finished: entries, benchmark: history.benchmark, loadPredictions: history.loadPredictions))
  }

  public func savedState() -> [UInt8]? {
    let saved = Saved(schedule: schedule, base: base.savedState().map { Data($0) })
    return Array(try! JSONEncoder().encode(saved))
  }

  public mutating func restore(_ state: [UInt8]) throws {
    guard let saved = try? JSONDecoder().decode(Saved.self, from: Data(state)) else {
      throw MiningError("the study's saved \(name) state is not valid JSON of a \(name) schedule")
    }
    schedule = saved.schedule
    if let b = saved.base { try base.restore(Array(b)) }
  }

  // MARK: - Rungs

  /// Starts the next bracket with new base proposals at its lowest fidelity (none when the space is spent).
  private mutating func startBracket(_ existing: Set<TrialConfiguration>) {
    let rungs = Self.rungs(bracket: bracket(schedule.bracketsStarted), maxBracket: maxBracket, eta: eta)
    let seen = Set(existing.map { $0.at(fidelity: 1) })
    let proposals = base.propose(rungs[0].count, existing: seen)
    schedule.bracketsStarted += 1
    schedule.rung = 0
    setMembers(proposals.map { $0.at(fidelity: rungs[0].fidelity) })
  }

  /// Moves the best of the finished rung (by score, unscored last, earlier first on ties) to the next fidelity.
  private mutating func promote() {
    let next = currentRungs[schedule.rung + 1]
    let order = schedule.members.indices.sorted { a, b in
      let x = schedule.scores[a] ?? -.infinity
      let y = schedule.scores[b] ?? -.infinity
      return x != y ? x > y : a < b
    }
    schedule.rung += 1
    setMembers(order.prefix(next.count).map { schedule.members[$0].at(fidelity: next.fidelity) })
  }

  private mutating func setMembers(_ members: [TrialConfiguration]) {
    schedule.members = members
    schedule.finished = members.map { _ in false }
    schedule.scores = members.map { _ in nil }
  }
}

/// Configurations by everything but their fidelity, with the fidelities stored of each: a fidelity read back
/// from a study's JSON may differ from the computed η^−i in its last digit, so fidelities match within 1e-9.
private struct Fidelities {
  private var byConfiguration: [TrialConfiguration: [Double]] = [:]

  init(_ configurations: Set<TrialConfiguration>) {
    for c in configurations { byConfiguration[c.at(fidelity: 1), default: []].append(c.fidelity) }
  }

  func contains(_ c: TrialConfiguration) -> Bool {
    byConfiguration[c.at(fidelity: 1)]?.contains { abs($0 - c.fidelity) <= 1e-9 } ?? false
  }

  static func same(_ a: TrialConfiguration, _ b: TrialConfiguration) -> Bool {
    a.at(fidelity: 1) == b.at(fidelity: 1) && abs(a.fidelity - b.fidelity) <= 1e-9
  }
}
