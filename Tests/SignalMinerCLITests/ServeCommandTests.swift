import Foundation
import Synchronization
import TestSupport
import Testing

/// `signal-miner serve` on a study that a `signal-miner mine` process is writing, loaded in headless Chromium.
/// Runs wherever chromium is on PATH; without it the test is skipped only outside CI (`.ci/run` installs it).
@Suite(.serialized) struct ServeCommandTests {
  static let chromium = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
    .map { "\($0)/chromium" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  static let runs = chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil

  @Test(.enabled(if: runs)) func theOverviewShowsMoreTrialsDoneOnTheSecondLoad() throws {
    let chromium = try #require(Self.chromium, "chromium is not on PATH (CI installs Debian's chromium)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let study = dir.file("s.sqlite")
    let miner = try Self.start(try Self.mineArguments(dir, study: study), output: nil)
    defer { Self.stop(miner) }
    #expect(Self.wait(seconds: 180) { (Self.progress(study)?.done ?? 0) >= 1 }, "the miner finishes a first trial")

    let serverOutput = Pipe()
    let server = try Self.start(["serve", "--study", study, "--port", "0"], output: serverOutput)
    defer { Self.stop(server) }
    let url = try #require(Self.listeningURL(serverOutput, seconds: 60), "serve prints the URL it listens on")

    let first = try #require(Self.doneCount(try Self.dumpDOM(chromium, url, profile: dir.file("chromium"))))
    let target = first + 2
    #expect(
      Self.wait(seconds: 300) { (Self.progress(study)?.done ?? 0) >= target }, "the miner finishes two more trials")
    let second = try #require(Self.doneCount(try Self.dumpDOM(chromium, url, profile: dir.file("chromium"))))
    #expect(second >= target && second > first, "done went from \(first) to \(second)")

    // Left open 8 s (virtual time), the page's script polls /api/overview and updates the counts in place.
    let open = try Self.dumpDOM(chromium, url, profile: dir.file("chromium"), extra: ["--virtual-time-budget=8000"])
    #expect(open.contains("data-live=\""), "the script marked an in-place update")
    #expect((Self.doneCount(open) ?? 0) >= second, "the updated count did not go back")
  }

  @Test func servingBeyondLoopbackNeedsATokenAndAStudy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let open = try CommandLineTool.run(["serve", "--study", dir.file("s.sqlite"), "--host", "0.0.0.0", "--port", "0"])
    #expect(open.status == 1)
    #expect(
      open.stderr == "Error: --host 0.0.0.0: serving beyond loopback needs --token T or SIGNALMINER_TOKEN\n",
      "\(open.stderr)")
    let missing = try CommandLineTool.run(["serve", "--study", dir.file("s.sqlite"), "--port", "0"])
    #expect(
      missing.status == 1 && missing.stderr == "Error: \(dir.file("s.sqlite")): no such study\n", "\(missing.stderr)")
  }

  // MARK: - Processes, all bounded

  static func mineArguments(_ dir: TemporaryDirectory, study: String) throws -> [String] {
    let synth = try CommandLineTool.run(
      [
        "data", "synth", "--out", dir.file("d"), "--eras", "60", "--rows-per-era", "250", "--features", "24",
        "--validation-eras", "20", "--seed", "4",
      ])
    #expect(synth.status == 0, "\(synth.stderr)")
    // Hundreds of configurations, more than a release build mines while the test looks (the miner is killed).
    let space = """
      {"n_estimators": [150, 200, 250], "learning_rate": [0.01, 0.02, 0.05], "num_leaves": [4, 8, 16],
       "max_depth": [3, 4, 5], "colsample_bytree": [0.3, 0.5, 0.7, 0.9]}
      """
    try space.write(toFile: dir.file("space.json"), atomically: true, encoding: .utf8)
    return [
      "mine", "--study", study, "--data", dir.file("d_train.parquet"), "--data", dir.file("d_validation.parquet"),
      "--space", dir.file("space.json"), "--trials", "300", "--jobs", "1", "--splits", "2", "--gap", "4",
      "--benchmark", "n_estimators=200,learning_rate=0.02", "--seed", "3",
    ]
  }

  static func start(_ arguments: [String], output: Pipe?) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLineTool.path)
    process.arguments = arguments
    process.standardOutput = output ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// SIGKILL and reap (a test must leave nothing running).
  static func stop(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  /// Polls `condition` every 200 ms for at most `seconds`.
  static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      usleep(200_000)
    }
    return condition()
  }

  /// `signal-miner progress --json`: done and total, or nil while the study cannot be read.
  static func progress(_ study: String) -> (done: Int, total: Int)? {
    guard FileManager.default.fileExists(atPath: study),
      let result = try? CommandLineTool.run(["progress", "--study", study, "--json"]),
      result.status == 0,
      let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
      let done = object["done"] as? Int, let total = object["total"] as? Int
    else { return nil }
    return (done, total)
  }

  /// The URL in serve's first line (`serving http://127.0.0.1:PORT/ …`), read for at most `seconds`.
  static func listeningURL(_ pipe: Pipe, seconds: Double) -> String? {
    let line = Mutex<String>("")
    let handle = pipe.fileHandleForReading
    handle.readabilityHandler = { h in
      let data = h.availableData
      line.withLock { $0 += String(decoding: data, as: UTF8.self) }
    }
    defer { handle.readabilityHandler = nil }
    var url: String?
    _ = wait(seconds: seconds) {
      url = line.withLock { text in text.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init) }
      return url != nil
    }
    return url
  }

  /// `chromium --headless [extra] --dump-dom url`, killed after 90 s.
  static func dumpDOM(_ chromium: String, _ url: String, profile: String, extra: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--dump-dom", url,
    ] + extra
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = Mutex(Data())
    let reader = Thread { text.withLock { $0 = out.fileHandleForReading.readDataToEndOfFile() } }
    reader.start()
    let finished = wait(seconds: 90) { !process.isRunning }
    if !finished { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    _ = wait(seconds: 10) { reader.isFinished }
    #expect(finished, "chromium dumped the page within 90 s")
    return String(decoding: text.withLock { $0 }, as: UTF8.self)
  }

  /// The done count of the overview's `<div class="value">D / T</div>`.
  static func doneCount(_ dom: String) -> Int? {
    guard let card = dom.range(of: "id=\"card-done\"") else { return nil }
    let rest = dom[card.upperBound...]
    guard let open = rest.range(of: "<div class=\"value\">"), let slash = rest[open.upperBound...].range(of: " / ")
    else { return nil }
    return Int(rest[open.upperBound..<slash.lowerBound])
  }
}
