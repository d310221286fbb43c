import ArgumentParser
import Features
import Foundation
import NumeraiData
import Parquet

/// `signal-miner features fit|apply|info`: unsupervised feature stages (PCA, factor analysis, autoencoder,
/// contrastive, UMAP)
/// fitted on feature columns only, saved as `.smt`, applied to any data with the same features.
struct FeaturesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "features", abstract: "Fit, apply and inspect unsupervised feature stages (pca, fa, autoencoder, contrastive, umap).",
    subcommands: [Fit.self, Apply.self, Info.self])

  /// `features fit --method pca --components 16 --data … --out T.smt`.
  struct Fit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fit a stage on the data's feature columns (targets are never read) and save it.")
    @Option(help: "pca (principal components), fa (factor analysis), autoencoder, contrastive or umap.") var method: String
    @Option(help: "Output features (components, factors, latent or embedding width, UMAP dimensions).") var components: Int
    @OptionGroup(title: "Network stages") var network: NeuralStageOptions
    @OptionGroup(title: "UMAP") var umap: UMAPOptions
    @OptionGroup var data: DataOptions
    @Option(help: "The stage file to write (.smt).") var out: String

    func run() async throws {
      guard ["pca", "fa", "autoencoder", "contrastive", "umap"].contains(method) else {
        throw ValidationError("--method \(method): expected pca, fa, autoencoder, contrastive or umap")
      }
      let dataset = try data.load().dataset
      let start = Date()
      let stage: any FeatureTransform
      switch method {
      case "autoencoder":
        stage = try AutoencoderTransform.fit(network.autoencoder(latent: components), on: dataset) { epoch in
          print(NeuralStageOptions.describe(epoch, of: network.epochs))
        }
      case "contrastive":
        stage = try ContrastiveTransform.fit(network.contrastive(embedding: components), on: dataset) { epoch, loss in
          print("epoch \(epoch)/\(network.epochs)  VICReg loss \(String(format: "%.5f", loss))")
        }
      case "umap":
        stage = try UMAPTransform.fit(umap.settings(components: components, seed: network.seed), on: dataset)
      default:
        stage = try FeatureTransforms.fit("\(method):\(components)", on: dataset)
      }
      let seconds = Date().timeIntervalSince(start)
      try AtomicFile.write(try stage.encoded(), to: out)
      print("fitted \(stage.spec) on \(dataset.rowCount) rows × \(dataset.featureCount) features in \(String(format: "%.2f", seconds)) s → \(out)")
    }
  }

  /// `features apply --transform T.smt --data … --out F.smd|F.parquet`.
  struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Append fitted stages' features (--transform, repeatable) to data (never refits): a .smd cache or a .parquet file.")
    @OptionGroup var data: DataOptions
    @Option(help: "The file to write: .smd (cache) or .parquet.") var out: String
    @Flag(help: "Also write each binned output's value before binning, as a float64 column float_<name> (.parquet only).")
    var keepFloat = false

    func validate() throws {
      if data.transforms.isEmpty { throw ValidationError("give at least one --transform T.smt (written by `features fit`)") }
      if keepFloat && !out.hasSuffix(".parquet") {
        throw ValidationError("--keep-float writes float columns to a .parquet --out only (the .smd cache holds int8 features)")
      }
    }

    func run() async throws {
      if keepFloat {
        let applied = try data.appendedStages().applyKeepingScores(to: try data.load(appendingStages: false).dataset)
        let floats = applied.scores.map { ParquetWriteColumn.double(Self.floatPrefix + $0.name, $0.values) }
        try SyntheticNumerai.writeParquet(applied.dataset, to: out, extra: floats)
        return try report(applied.dataset)
      }
      let combined = try data.load().dataset
      if out.hasSuffix(".parquet") {
        try SyntheticNumerai.writeParquet(combined, to: out)
      } else {
        try DatasetCache.write(combined, to: out)
      }
      try report(combined)
    }

    /// The prefix of `--keep-float`'s columns (not `feature…`, so loading the file never takes them as features).
    static let floatPrefix = "float_"

    private func report(_ combined: Dataset) throws {
      let stages = try data.appendedStages().stages
      let added = stages.reduce(0) { $0 + $1.outputNames.count }
      print("wrote \(out): \(combined.rowCount) rows, \(combined.featureCount - added) + \(added) features (\(stages.map(\.spec).joined(separator: ", ")))")
    }
  }

  /// `features info T.smt`.
  struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a fitted stage.")
    @Argument(help: "A stage written by `features fit`.") var transform: String

    func run() async throws {
      let stage = try FeaturesCommand.load(transform)
      print("stage      \(stage.spec)")
      print("inputs     \(stage.inputNames.count) features (\(stage.inputNames.prefix(3).joined(separator: ", "))…)")
      print("outputs    \(stage.outputNames.joined(separator: ", "))")
      if let pca = stage as? PCATransform {
        print("variance   " + pca.explainedVariance.map { String(format: "%.4g", $0) }.joined(separator: ", "))
      } else if let fa = stage as? FactorAnalysisTransform, let ll = fa.logLikelihoods.last {
        print("fit        log-likelihood \(String(format: "%.6g", ll)) after \(fa.logLikelihoods.count) iterations")
      } else if let ae = stage as? AutoencoderTransform {
        let s = ae.settings
        print("network    extreme \(s.extremeWidth), hidden \(s.hiddenWidth), latent \(s.latent), dropout \(s.dropout), seed \(s.seed)")
        for epoch in ae.history { print(NeuralStageOptions.describe(epoch, of: s.epochs)) }
      } else if let cl = stage as? ContrastiveTransform {
        let s = cl.settings
        print("network    hidden \(s.hiddenWidth), embedding \(s.embedding), cutout \(s.cutout), noise \(s.noise), seed \(s.seed)")
        print("fit        VICReg loss per epoch " + cl.losses.map { String(format: "%.5f", $0) }.joined(separator: ", "))
      } else if let umap = stage as? UMAPTransform {
        let s = umap.settings
        print("umap       \(s.neighbors) neighbours, min-dist \(s.minDist), spread \(s.spread), seed \(s.seed), \(umap.initialisation) init")
        let rows = umap.embedding.count / s.components
        print("fitted     \(rows) rows (at most \(s.fitRows)), \(s.fitEpochs(rows: rows)) epochs")
      }
    }
  }

  static func load(_ path: String) throws -> any FeatureTransform {
    guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path: path, "no such file") }
    return try FeatureTransforms.load(data, source: path)
  }
}

/// Writes a file through a temporary name and a rename, so a failure leaves no partial file.
enum AtomicFile {
  static func write(_ data: Data, to path: String) throws {
    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      throw DataError(path: path, "cannot write the file (\(error.localizedDescription))")
    }
  }
}
