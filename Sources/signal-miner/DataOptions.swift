import ArgumentParser
import Features
import Foundation
import Mining
import NumeraiData

/// The options of every command that reads a Numerai data set: files, feature set, targets.
struct DataOptions: ParsableArguments {
  @Option(name: .customLong("data"), help: "A data file (Parquet, CSV or a .smd cache); repeat for train + validation.")
  var paths: [String] = []

  @Option(name: .customLong("features-json"), help: "Numerai's features.json, to pick a feature set.")
  var featuresJSON: String?

  @Option(name: .customLong("feature-set"), help: "A feature set of --features-json (e.g. small, medium, all).")
  var featureSet: String?

  @Option(name: .customLong("targets"), parsing: .upToNextOption, help: "Targets to load (default: every target* column).")
  var targets: [String] = []

  @Option(
    name: .customLong("transform"),
    help: "A feature stage written by `features fit`; its features are appended to the data's (repeatable, in order).")
  var transforms: [String] = []

  @Option(name: .customLong("threads"), help: "Threads for decoding and computing.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func validate() throws {
    if featureSet != nil && featuresJSON == nil {
      throw ValidationError("--feature-set needs --features-json")
    }
    guard threads >= 1 else { throw ValidationError("--threads \(threads): expected at least 1") }
  }

  /// Loads `--data`, or when none is given the files `study` was created from.
  func load(for study: Study) throws -> LoadedDataset {
    guard paths.isEmpty else { return try load() }
    guard !study.layout.dataPaths.isEmpty else {
      throw MiningError("no data: give --data FILE… (\(study.store.location) does not record the files it was mined on)")
    }
    return try load(paths: study.layout.dataPaths)
  }

  /// The feature sets file, when given.
  func featureSets() throws -> FeatureSets? { try featuresJSON.map { try FeatureSets(contentsOf: $0) } }

  /// Loads the files (`paths` overrides `--data` for commands with positional files) and appends the
  /// `--transform` stages' features unless `appendingStages` is false; warnings go to stderr.
  func load(paths override: [String]? = nil, targets extra: [String]? = nil, appendingStages: Bool = true) throws -> LoadedDataset {
    let files = override ?? paths
    guard !files.isEmpty else { throw ValidationError("no data: give at least one --data FILE") }
    let loaded = try DatasetLoader.load(paths: files, options: try loadOptions(targets: extra))
    for warning in loaded.warnings { Console.warn(warning) }
    let stages = appendingStages ? try appendedStages() : AppendedStages([])
    return stages.stages.isEmpty ? loaded : loaded.replacingDataset(try stages.apply(to: loaded.dataset))
  }

  /// Which columns `--feature-set`, `--targets` (or `extra` targets) ask for, on `--threads` threads.
  func loadOptions(targets extra: [String]? = nil) throws -> DatasetLoadOptions {
    var options = DatasetLoadOptions(threads: threads)
    if let set = featureSet, let sets = try featureSets() { options.features = try sets.features(inSet: set) }
    if let t = extra ?? (targets.isEmpty ? nil : targets) { options.targets = t }
    return options
  }

  /// The `--transform` stages, loaded.
  func appendedStages() throws -> AppendedStages {
    AppendedStages(try transforms.map(FeaturesCommand.load))
  }
}

/// Output helpers: results to stdout, notices and progress to stderr.
enum Console {
  /// A warning line on stderr.
  static func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
  }

  /// A progress or log line on stderr.
  static func log(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
  }

  /// Whether stderr is a terminal (live progress lines) or a log (plain lines).
  static var isTerminal: Bool { isatty(2) != 0 }
}

extension String {
  /// The string right-aligned in `width` columns.
  func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
