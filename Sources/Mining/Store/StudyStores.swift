import Foundation
import Synchronization

/// Stores by location: a file path is a SQLite study; `scheme://…` goes to the backend registered for that
/// scheme (the command line registers PostgreSQL's), so Mining depends on no database client but SQLite.
public enum StudyStores {
  /// Opens an existing study at a location of a registered scheme.
  public typealias Opener = @Sendable (String) throws -> any StudyStore
  /// Creates (or opens after the fingerprint check) a study at a location of a registered scheme.
  public typealias Creator = @Sendable (String, StudyLayout, TrialConfiguration, String) throws -> any StudyStore

  private struct Backend {
    let open: Opener
    let create: Creator
  }

  private static let backends = Mutex<[String: Backend]>([:])

  /// Sends locations `scheme://…` to this backend (a later registration of the same scheme replaces it).
  public static func register(scheme: String, open: @escaping Opener, create: @escaping Creator) {
    backends.withLock { $0[scheme.lowercased()] = Backend(open: open, create: create) }
  }

  /// The store at `location`.
  public static func open(_ location: String) throws -> any StudyStore {
    guard let scheme = scheme(of: location) else { return try SQLiteStudyStore.open(path: location) }
    return try backend(scheme).open(location)
  }

  /// Creates (or opens, after the fingerprint check) the store at `location`.
  public static func create(_ location: String, layout: StudyLayout, benchmark: TrialConfiguration, engine: String) throws
    -> any StudyStore
  {
    guard let scheme = scheme(of: location) else {
      return try SQLiteStudyStore.create(path: location, layout: layout, benchmark: benchmark, engine: engine)
    }
    return try backend(scheme).create(location, layout, benchmark, engine)
  }

  private static func scheme(of location: String) -> String? {
    location.range(of: "://").map { String(location[..<$0.lowerBound]).lowercased() }
  }

  private static func backend(_ scheme: String) throws -> Backend {
    guard let backend = backends.withLock({ $0[scheme] }) else {
      let known = backends.withLock { $0.keys.sorted().map { "\($0)://" } }
      throw MiningError(
        "--study \(scheme)://…: no study store for this scheme; expected a file path\(known.isEmpty ? "" : " or " + known.joined(separator: ", "))")
    }
    return backend
  }
}
