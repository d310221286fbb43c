import Foundation
import NumeraiData
import Parquet
import Testing

/// `data synth` writes era by era: its files must be the very bytes the in-memory generator writes, and the
/// bytes wave 1 wrote (the benchmarks' data sets depend on them).
@Suite struct SyntheticStreamTests {
  static let configurations: [SyntheticNumerai.Configuration] = [
    .init(eras: 12, rowsPerEra: 50, features: 10, targets: 2, seed: 3, validationEras: 4, unlabelledEras: 1),
    .init(eras: 7, rowsPerEra: 33, features: 17, targets: 3, seed: 11, validationEras: 3, unlabelledEras: 1),
  ]

  /// FNV-1a of the train, validation and features.json files, as the code of 86b1b2e wrote them, with row
  /// groups of 130 rows (eras split across groups) and with ZSTD + BYTE_STREAM_SPLIT in one row group.
  static let recorded: [[UInt64]] = [
    [0xc4af_53c3_de45_0e3f, 0x5f23_1da1_483a_e7c9, 0x8b85_df15_e9b8_c401, 0x0d0c_4b29_93b6_bdd5, 0xc5e2_01ce_483c_f529],
    [0x203f_1b4f_ccce_1112, 0x77a8_8e12_39eb_92f3, 0x7c22_aab2_ea93_a710, 0x0a5d_44cf_115a_58b1, 0xc09b_847b_e594_eacd],
  ]

  static let writers = [
    ParquetWriter(rowGroupRows: 130, pageRows: 40),
    ParquetWriter(codec: .zstd(level: 3), floatEncoding: .byteStreamSplit),
  ]

  static func fnv(_ path: String) throws -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in try Data(contentsOf: URL(fileURLWithPath: path)) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }

  /// Train, validation, features.json with the first writer; train and validation with the second.
  static func hashes(_ write: (String, ParquetWriter) throws -> [String]) throws -> [UInt64] {
    let first = try write(temporaryPath("s"), writers[0]).map(fnv)
    let second = try write(temporaryPath("d"), writers[1]).prefix(2).map(fnv)
    return first + second
  }

  @Test(arguments: [0, 1]) func streamedFilesAreTheInMemoryAndTheRecordedBytes(_ i: Int) throws {
    let c = Self.configurations[i]
    let streamed = try Self.hashes { prefix, writer in try SyntheticNumerai.write(c, prefix: prefix, writer: writer) }
    let inMemory = try Self.hashes { prefix, writer in try SyntheticNumerai(c).write(prefix: prefix, writer: writer) }
    #expect(streamed == Self.recorded[i])
    #expect(inMemory == Self.recorded[i])
  }

  @Test func aStreamedFileReadsBackAsTheGeneratedRows() throws {
    let c = Self.configurations[1]
    let prefix = temporaryPath("s")
    let paths = try SyntheticNumerai.write(c, prefix: prefix, writer: ParquetWriter(rowGroupRows: 50))
    let loaded = try DatasetLoader.load(paths: [paths[1]]).dataset
    #expect(try ParquetFile(path: paths[1]).rowGroupCount == 2)
    #expect(sameContents(loaded, try SyntheticNumerai(c).validation))
  }
}
