import Foundation
import Synchronization

/// Runs Python peers (pyarrow, LightGBM, numerai-tools, scikit-learn) from interop tests.
///
/// Python is only ever used by tests and `bench/`, never by the product. Missing packages are installed
/// with `pip install` on first use, so CI needs nothing but `python3` with pip.
public enum PythonPeer {
  /// What went wrong running Python.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// The interpreter: `$SIGNALMINER_PYTHON`, else `python3`.
  public static var interpreter: String {
    ProcessInfo.processInfo.environment["SIGNALMINER_PYTHON"] ?? "python3"
  }

  /// Module lists known to import; holding the lock also keeps two pip installs from running at once.
  private static let installed = Mutex<Set<String>>([])

  /// Makes sure `modules` import; pip-installs `packages` (same order, pip names) otherwise.
  public static func require(modules: [String], packages: [String]) throws {
    try installed.withLock { installed in
      let key = modules.joined(separator: ",")
      if installed.contains(key) { return }
      let probe = modules.map { "import \($0)" }.joined(separator: "; ")
      if (try? run(arguments: ["-c", probe])) == nil {
        _ = try run(arguments: ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        _ = try run(arguments: ["-c", probe])
      }
      installed.insert(key)
    }
  }

  /// Runs a Python script with arguments; returns its standard output, throws with stderr on failure.
  @discardableResult
  public static func run(script: String, arguments: [String] = []) throws -> String {
    try run(arguments: ["-c", script] + arguments)
  }

  /// Runs the interpreter with raw arguments.
  @discardableResult
  public static func run(arguments: [String]) throws -> String {
    let result = try CommandLineTool.run(executable: "/usr/bin/env", [interpreter] + arguments)
    guard result.status == 0 else { throw Failure(description: "python exited \(result.status): \(result.stderr)") }
    return result.stdout
  }
}

/// A fresh temporary directory for one test, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
  /// The directory's path.
  public let path: String

  /// Creates a unique directory under the system temporary directory.
  public init(prefix: String = "signalminer") throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    path = url.path
  }

  /// `path/name`.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Deletes the directory and everything in it.
  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
