import Foundation
import Mining

/// A study in PostgreSQL as `--study` names it: `postgresql://user@host:5432/database?study=name[&sslmode=require]`.
///
/// Several studies share one database, each under its name. The URL never carries a password (one that does
/// is refused, so it cannot end up in shell history, process lists or messages); the password comes from
/// `PGPASSWORD` or `~/.pgpass`, as for `psql`.
public struct PostgresLocation: Sendable, Equatable {
  public var user: String
  public var host: String
  public var port: Int
  public var database: String
  public var study: String
  /// `sslmode=require`: connect over TLS or not at all.
  public var requireTLS: Bool

  /// The URL schemes this store answers to.
  public static let schemes = ["postgresql", "postgres"]

  /// Parses `url`; throws one line saying what is wrong (never repeating a password).
  public init(_ url: String) throws {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      Self.schemes.contains(scheme)
    else {
      throw MiningError("--study \(Self.redacted(url)): expected postgresql://user@host:5432/database?study=name")
    }
    if components.password != nil {
      throw MiningError(
        "--study \(Self.redacted(url)): the URL holds a password; remove it and put it in PGPASSWORD or ~/.pgpass (host:port:database:user:password)"
      )
    }
    guard let host = components.host, !host.isEmpty else { throw MiningError("--study \(url): expected a host after postgresql://") }
    let database = String(components.path.drop { $0 == "/" })
    guard !database.isEmpty else { throw MiningError("--study \(url): expected a database name after the host (…:5432/database)") }
    let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { _, last in last }
    guard let study = query["study"], !study.isEmpty else { throw MiningError("--study \(url): expected ?study=name (one database holds many studies)") }
    let sslmode = query["sslmode"] ?? "disable"
    guard ["disable", "require"].contains(sslmode) else { throw MiningError("--study \(url): sslmode=\(sslmode); expected disable or require") }
    self.user = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    self.host = host
    self.port = components.port ?? 5432
    self.database = database
    self.study = study
    requireTLS = sslmode == "require"
  }

  /// The location for messages (it holds no password).
  public var description: String {
    "postgresql://\(user)@\(host):\(port)/\(database)?study=\(study)\(requireTLS ? "&sslmode=require" : "")"
  }

  /// The password: `PGPASSWORD`, else the first matching line of `~/.pgpass` (or `PGPASSFILE`), else none.
  public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let password = environment["PGPASSWORD"] { return password }
    let file = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let fields = Self.pgpassFields(line)
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  /// A `.pgpass` line's fields (`:` separates, `\` escapes).
  static func pgpassFields(_ line: Substring) -> [String] {
    var fields = [""]
    var escaped = false
    for c in line {
      if escaped {
        fields[fields.count - 1].append(c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == ":" && fields.count < 5 {
        fields.append("")
      } else {
        fields[fields.count - 1].append(c)
      }
    }
    return fields
  }

  /// `url` with anything between `://` and `@` (user and password) cut, for messages about a bad URL.
  static func redacted(_ url: String) -> String {
    guard let start = url.range(of: "://"), let at = url[start.upperBound...].lastIndex(of: "@") else { return url }
    return url[..<start.upperBound] + "…" + url[at...]
  }
}
