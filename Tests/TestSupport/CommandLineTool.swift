import Foundation

/// Runs the built `signal-miner` executable from tests, the way a user runs it.
///
/// The executable sits next to the test bundle in the build directory (`swift build --build-tests` builds
/// both, which is what `.ci/run` does).
public enum CommandLineTool {
  /// What one run printed and how it ended.
  public struct Result: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
  }

  /// The path of the built `signal-miner`.
  public static var path: String {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // On Linux the runner is `<build>/SignalMinerPackageTests.xctest`; on macOS it is inside the bundle.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("signal-miner").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory.deleteLastPathComponent()
    }
    return "signal-miner"
  }

  /// Runs `signal-miner arguments…` in `directory` and waits for it (with `timeout`: at most that many seconds,
  /// then it is killed and its status is SIGKILL's).
  public static func run(_ arguments: [String], in directory: String? = nil, timeout: TimeInterval? = nil) throws -> Result {
    try run(executable: path, arguments, in: directory, timeout: timeout)
  }

  /// Runs any executable and waits for it, reading stdout and stderr concurrently (so a chatty process
  /// cannot fill one pipe and block); with `timeout`, kills it after that many seconds.
  public static func run(
    executable: String, _ arguments: [String], in directory: String? = nil, timeout: TimeInterval? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let pid = process.processIdentifier
    // Cancelled once the process has exited, so the pid is never signalled after it could be reused.
    let killer = DispatchWorkItem { kill(pid, SIGKILL) }
    if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer) }
    defer { killer.cancel() }
    nonisolated(unsafe) var errData = Data()
    let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errReader.isFinished { usleep(1000) }
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
