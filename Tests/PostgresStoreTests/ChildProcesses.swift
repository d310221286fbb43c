import Foundation
import TestSupport

/// The processes a test starts, every wait bounded, all of them SIGKILLed by `killAll` (call it in a `defer`):
/// SIGKILL ends a SIGSTOPped process too, so no stopped miner outlives its test.
final class ChildProcesses: @unchecked Sendable {
  /// Invariant: touched only by the test's own thread.
  private var started: [Process] = []
  let directory: String

  init(directory: String) { self.directory = directory }

  /// Starts `signal-miner arguments…` with `environment` added; stdout and stderr go to `<name>.out` / `.err`.
  func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    try start(name, executable: CommandLineTool.path, arguments, environment: environment)
  }

  func start(_ name: String, executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    FileManager.default.createFile(atPath: "\(directory)/\(name).out", contents: nil)
    FileManager.default.createFile(atPath: "\(directory)/\(name).err", contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: "\(directory)/\(name).out")
    process.standardError = FileHandle(forWritingAtPath: "\(directory)/\(name).err")
    try process.run()
    started.append(process)
    return process
  }

  /// Runs to the end within `timeout` seconds (else kills it and reports so); returns status, stdout, stderr.
  func run(_ name: String, executable: String = CommandLineTool.path, _ arguments: [String], environment: [String: String] = [:],
           timeout: TimeInterval = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = try start(name, executable: executable, arguments, environment: environment)
    let status = wait(process, timeout: timeout)
    return (status ?? -1, output(name, "out"), output(name, "err") + (status == nil ? "\n(killed after \(Int(timeout)) s)" : ""))
  }

  /// The exit status, or nil if it was still running after `timeout` seconds (it is then killed).
  @discardableResult func wait(_ process: Process, timeout: TimeInterval) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    guard !process.isRunning else {
      kill(process.processIdentifier, SIGKILL)
      waitGone(process)
      return nil
    }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// What `name` wrote to stdout (`out`) or stderr (`err`).
  func output(_ name: String, _ stream: String) -> String {
    (try? String(contentsOfFile: "\(directory)/\(name).\(stream)", encoding: .utf8)) ?? ""
  }

  /// SIGKILLs every started process still running and waits (bounded) for each to be gone.
  func killAll() {
    for process in started where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    for process in started { waitGone(process) }
  }

  private func waitGone(_ process: Process) {
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning && Date() < deadline { usleep(10_000) }
  }
}

/// Polls `condition` every 20 ms for at most `timeout` seconds; whether it became true.
func eventually(within timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if try condition() { return true }
    usleep(20_000)
  }
  return try condition()
}
