import Foundation
import Logging
import Mining
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to PostgreSQL, used by one thread at a time, reopened when it breaks.
///
/// The store's API is synchronous; postgres-nio's futures are awaited with `wait()` on the calling thread,
/// which is never one of NIO's event loop threads (those only run the connection), so nothing waits on itself.
/// A connection that fails (server restarted, backend terminated, network gone) is dropped and the whole
/// operation retried with doubling pauses (0.1 s … 2 s) for up to `retryWindow`, then one error says so.
final class PostgresSession: @unchecked Sendable {
  let location: PostgresLocation
  /// How long an operation keeps retrying a lost server before giving up.
  let retryWindow: TimeInterval
  /// 30 s, or `SIGNALMINER_PG_RETRY_SECONDS` (tests of an unreachable server).
  static let defaultRetryWindow: TimeInterval = {
    guard let text = ProcessInfo.processInfo.environment["SIGNALMINER_PG_RETRY_SECONDS"], let seconds = Double(text), seconds >= 0
    else { return 30 }
    return seconds
  }()
  private let logger: Logger
  /// Invariant: read and written only while `lock` is held (so only one operation uses the connection).
  private var connection: PostgresConnection?
  private let lock = NSLock()

  init(location: PostgresLocation, retryWindow: TimeInterval = PostgresSession.defaultRetryWindow) {
    self.location = location
    self.retryWindow = retryWindow
    var logger = Logger(label: "signal-miner.postgres")
    logger.logLevel = .critical
    self.logger = logger
  }

  deinit { drop() }

  /// Closes the connection (waiting at most 5 s). One that does not finish closing is kept, never released
  /// open (postgres-nio requires a connection closed before it goes away).
  private func drop() {
    guard let open = connection else { return }
    connection = nil
    do { try (open.close() as EventLoopFuture<Void>).wait(seconds: 5) } catch { if !open.isClosed { Self.unclosed.withLockedValue { $0.append(open) } } }
  }

  private static let unclosed = NIOLockedValueBox<[PostgresConnection]>([])

  /// Runs `body` on the connection, retrying the whole of it while the server is unreachable.
  func run<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    let start = Date()
    var pause: TimeInterval = 0.1
    while true {
      do {
        if connection?.isClosed == true { drop() }
        let open = try connection ?? connect()
        connection = open
        return try body(open)
      } catch where Self.isTransient(error) {
        drop()
        guard Date().timeIntervalSince(start) + pause <= retryWindow else {
          throw MiningError(
            "\(location.description): PostgreSQL did not answer for \(Int(retryWindow)) s (last: \(Self.describe(error))); expected a server at \(location.host):\(location.port)"
          )
        }
        Thread.sleep(forTimeInterval: pause)
        pause = min(pause * 2, 2)
      } catch let error as MiningError {
        throw error
      } catch {
        throw MiningError("\(location.description): \(Self.describe(error))")
      }
    }
  }

  /// Runs `body` in one transaction (committed when it returns, rolled back when it throws), retried as `run`.
  func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
    try run { connection in
      try connection.execute("BEGIN")
      do {
        let result = try body(connection)
        try connection.execute("COMMIT")
        return result
      } catch {
        _ = try? connection.execute("ROLLBACK")
        throw error
      }
    }
  }

  private func connect() throws -> PostgresConnection {
    var configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password(),
      database: location.database, tls: try tls())
    configuration.options.connectTimeout = .seconds(5)
    // Named for pg_stat_activity; a client stopped inside a transaction cannot hold its locks for long.
    configuration.options.additionalStartupParameters = [
      ("application_name", "signal-miner \(StudyWorker.current.identity)"), ("idle_in_transaction_session_timeout", "30000"),
    ]
    let connection = try PostgresConnection.connect(
      on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
    ).wait(seconds: 15)
    try PostgresStudySchema.migrate(connection)
    return connection
  }

  private func tls() throws -> PostgresConnection.Configuration.TLS {
    guard location.requireTLS else { return .disable }
    var configuration = TLSConfiguration.makeClientConfiguration()
    // sslmode=require as libpq means it: encrypted, the server's certificate not checked.
    configuration.certificateVerification = .none
    return .require(try NIOSSLContext(configuration: configuration))
  }

  /// Whether `error` means the connection or the server went away (worth reconnecting), not a refused query.
  static func isTransient(_ error: any Error) -> Bool {
    if error is IOError || error is ChannelError || error is PostgresTimeout { return true }
    guard let error = error as? PSQLError else { return false }
    if let state = error.serverInfo?[.sqlState] {
      // 08 connection exception, 57 operator intervention (shutdown, terminated backend), 53 resources,
      // 40001/40P01 serialization failure and deadlock.
      return ["08", "57", "53"].contains(String(state.prefix(2))) || state == "40001" || state == "40P01"
    }
    return [.connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection].contains(error.code)
  }

  /// A one-line account of `error` (the server's message and SQLSTATE; never the connection's password).
  static func describe(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return "\(error)" }
    if let info = error.serverInfo, let message = info[.message] {
      return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
    }
    return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
  }
}

extension PostgresConnection {
  /// How long one statement may take before the connection counts as lost (statements here are small; one
  /// waiting on a lock held by a stopped client waits at most the server's idle-in-transaction timeout, 30 s).
  static let statementTimeout: TimeInterval = 60

  /// Runs `query` and returns its rows (waiting on this thread).
  func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
    try self.query(query, logger: logger).wait(seconds: Self.statementTimeout).rows
  }

  /// Runs `query`; returns how many rows it changed.
  @discardableResult func execute(_ query: PostgresQuery) throws -> Int {
    try self.query(query, logger: logger).wait(seconds: Self.statementTimeout).metadata.rows ?? 0
  }
}

/// A wait on the server that outlasted its bound (the connection is then dropped and the operation retried).
struct PostgresTimeout: Error, CustomStringConvertible {
  let seconds: TimeInterval
  var description: String { "no answer within \(Int(seconds)) s" }
}

extension EventLoopFuture where Value: Sendable {
  /// `wait()` for at most `seconds`: a connection cut without a word (the server restarted or killed mid-query)
  /// can leave a future that never completes.
  func wait(seconds: TimeInterval) throws -> Value {
    let done = DispatchSemaphore(value: 0)
    let result = NIOLockedValueBox<Result<Value, any Error>?>(nil)
    whenComplete { outcome in
      result.withLockedValue { $0 = outcome }
      done.signal()
    }
    guard done.wait(timeout: .now() + seconds) == .success, let outcome = result.withLockedValue({ $0 }) else {
      throw PostgresTimeout(seconds: seconds)
    }
    return try outcome.get()
  }
}
