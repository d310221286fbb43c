import ArgumentParser
import Parquet

/// How a command writes Parquet: `--compression`, `--zstd-level`, `--float-encoding`.
struct ParquetWriteOptions: ParsableArguments {
  /// Page compression by name.
  enum Compression: String, ExpressibleByArgument, CaseIterable {
    case snappy, zstd, none
  }

  /// Float column encoding by name.
  enum FloatEncoding: String, ExpressibleByArgument, CaseIterable {
    case plain
    case byteStreamSplit = "byte-stream-split"
  }

  @Option(help: "Parquet page compression: snappy (pyarrow's default), zstd or none.")
  var compression: Compression = .snappy
  @Option(name: .customLong("zstd-level"), help: "ZSTD level, 1 (fastest) to 22 (smallest), with --compression zstd.")
  var zstdLevel = 3
  @Option(
    name: .customLong("float-encoding"),
    help: "Float columns: plain (dictionary where it pays) or byte-stream-split (smaller for continuous values).")
  var floatEncoding: FloatEncoding = .plain

  func validate() throws {
    guard (1...22).contains(zstdLevel) else { throw ValidationError("--zstd-level \(zstdLevel): expected 1…22") }
  }

  /// The writer these options ask for.
  var writer: ParquetWriter {
    let codec: ParquetWriter.Codec =
      switch compression {
      case .snappy: .snappy
      case .zstd: .zstd(level: zstdLevel)
      case .none: .uncompressed
      }
    return ParquetWriter(codec: codec, floatEncoding: floatEncoding == .plain ? .plain : .byteStreamSplit)
  }
}
