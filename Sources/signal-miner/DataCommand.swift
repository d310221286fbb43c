import ArgumentParser
import Foundation
import NumeraiData
import Parquet

/// `signal-miner data …`: inspect, import and synthesize Numerai data sets.
struct DataCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Inspect, import and synthesize Numerai data sets.",
    subcommands: [Info.self, Import.self, Synth.self])

  /// `data info FILE…`: what is in a data set, or a clear error why it cannot be read.
  struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rows, eras, features, targets and columns of Numerai files (Parquet, CSV or .smd).")

    @Argument(help: "Data files, loaded together as one data set.") var files: [String]
    @OptionGroup var data: DataOptions
    @Flag(help: "One JSON object on stdout.") var json = false

    func run() async throws {
      let start = Date()
      let loaded = try data.load(paths: files)
      let loadSeconds = Date().timeIntervalSince(start)
      let summary = DatasetSummary(loaded, featureSets: try data.featureSets())
      var storage: [[String: Any]] = []
      for path in files where !DatasetCache.isCache(path: path) && path.lowercased().hasSuffix(".csv") == false {
        let file = try ParquetFile(path: path)
        storage.append(["file": path, "codecs": file.codecNames, "row_groups": file.rowGroupCount, "rows": file.rowCount])
      }
      if json {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        var object = try JSONSerialization.jsonObject(with: try encoder.encode(summary)) as! [String: Any]
        object["files"] = storage
        object["load_seconds"] = loadSeconds
        let out = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: out, as: UTF8.self))
        return
      }
      let s = summary
      print("rows       \(s.rows) (loaded in \(String(format: "%.2f", loadSeconds)) s)")
      print("eras       \(s.eras.count) (\(s.eras.first) … \(s.eras.last)); rows per era min \(s.eras.rowsPerEraMin), median \(s.eras.rowsPerEraMedian), max \(s.eras.rowsPerEraMax)")
      print("features   \(s.features)")
      for (name, count) in (s.featureSets ?? [:]).sorted(by: { $0.key < $1.key }) {
        print("  set \(name): \(count) present")
      }
      print("targets    \(s.targets.count)")
      for name in loaded.dataset.targetNames {
        let t = s.targets[name]!
        print("  \(name): \(t.nan) NaN, mean \(t.mean.map { String(format: "%.4f", $0) } ?? "-")")
      }
      let nulls = s.columns.values.reduce(0) { $0 + $1.nulls }
      print("columns    feature means \(String(format: "%.3f", s.columns.values.map(\.mean).min() ?? 0))…\(String(format: "%.3f", s.columns.values.map(\.mean).max() ?? 0)), \(nulls) NaN replaced by 2")
      for f in storage {
        print("storage    \(f["file"]!): \((f["codecs"] as! [String]).joined(separator: ", ")), \(f["row_groups"]!) row groups")
      }
    }
  }

  /// `data import FILE… --out DATA.smd`: load once, memory-map ever after.
  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Load Numerai files once into a .smd cache that every --data option opens by memory-mapping.")

    @Argument(help: "Data files, loaded together as one data set.") var files: [String]
    @OptionGroup var data: DataOptions
    @Option(help: "The cache file to write.") var out: String

    func run() async throws {
      let start = Date()
      let d: Dataset
      if data.transforms.isEmpty {
        // Feature columns go from the files to the cache a batch at a time: never the whole matrix in memory.
        let loaded = try DatasetLoader.importCache(paths: files, options: try data.loadOptions(), to: out)
        for warning in loaded.warnings { Console.warn(warning) }
        d = loaded.dataset
      } else {
        // --transform stages fit on the whole matrix, so it is loaded first.
        d = try data.load(paths: files).dataset
        try DatasetCache.write(d, to: out)
      }
      print(
        "wrote \(out): \(d.rowCount) rows, \(d.eras.count) eras, \(d.featureCount) features, \(d.targetNames.count) targets in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
  }

  /// `data synth --out PREFIX`: a Numerai-shaped synthetic data set.
  struct Synth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a Numerai-shaped synthetic data set: PREFIX_train.parquet, PREFIX_validation.parquet, PREFIX_features.json.")

    @Option(help: "Path prefix of the files to write.") var out: String
    @Option(help: "Eras (train + validation).") var eras = 120
    @Option(name: .customLong("rows-per-era"), help: "Rows per era.") var rowsPerEra = 500
    @Option(help: "Feature columns.") var features = 60
    @Option(help: "Target columns.") var targets = 2
    @Option(name: .customLong("validation-eras"), help: "Eras in the validation file.") var validationEras = 30
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @OptionGroup(title: "Parquet output") var parquet: ParquetWriteOptions

    func run() async throws {
      var c = SyntheticNumerai.Configuration(
        eras: eras, rowsPerEra: rowsPerEra, features: features, targets: targets, seed: seed,
        validationEras: validationEras)
      c.unlabelledEras = min(4, validationEras - 1)
      let paths = try SyntheticNumerai.write(c, prefix: out, writer: parquet.writer)
      for p in paths { print(p) }
    }
  }
}
