import Synchronization

/// Per-column results written by parallel workers (each slot by the one thread that handles the column), read
/// after all finish. A failure tells the workers to stop starting new columns.
final class ColumnOutcomes<Value: Sendable>: Sendable {
  private struct State {
    var slots: [Result<Value, any Error>?]
    var hasFailure = false
  }
  private let state: Mutex<State>

  init(count: Int) { state = Mutex(State(slots: Array(repeating: nil, count: count))) }

  /// Whether some column has failed.
  var hasFailure: Bool { state.withLock { $0.hasFailure } }

  func set(_ k: Int, _ result: Result<Value, any Error>) {
    state.withLock { state in
      state.slots[k] = result
      if case .failure = result { state.hasFailure = true }
    }
  }

  /// The values in column order, or the first column's error.
  func values() throws -> [Value] {
    let slots = state.withLock { $0.slots }
    return try slots.map { slot in
      guard let slot else { throw CorruptData("a column was not processed") }
      return try slot.get()
    }
  }
}
