import Foundation
import Parquet
import Testing

/// Files of apache/parquet-testing that once failed in formats we claim to read; the expected values are
/// pyarrow 26's reading of the same files.
@Suite struct ParquetTestingBugTests {
  static func open(_ name: String) throws -> ParquetFile {
    try ParquetFile(path: ParquetTestingCorpus.directory + "/data/" + name)
  }

  /// A v2 page of nulls only, Snappy codec, with no value bytes: nothing is decompressed.
  @Test func emptyV2PageIsAllNulls() throws {
    let file = try Self.open("datapage_v2_empty_datapage.snappy.parquet")
    #expect(file.rowCount == 1)
    guard case .float(let values, let valid) = try file.readColumn(0) else { return #expect(Bool(false)) }
    #expect(values.count == 1 && values[0].isNaN)
    #expect(valid == [false])
  }

  /// One gzip page made of two concatenated gzip members holds 1…513.
  @Test func concatenatedGzipMembersAreAllInflated() throws {
    let file = try Self.open("concatenated_gzip_members.parquet")
    #expect(try file.readColumn(0) == .int64(Array(1...513), valid: nil))
  }

  /// A file of zero rows whose column chunks leave their data page offset at 0.
  @Test func emptyColumnChunksAreNotRead() throws {
    let file = try Self.open("column_chunk_key_value_metadata.parquet")
    #expect(file.rowCount == 0)
    #expect(file.columns.map(\.name) == ["column1", "column2"])
    for index in file.columns.indices { #expect(try file.readColumn(index) == .int32([], valid: nil)) }
  }

  /// A flat optional boolean in v2 pages, RLE-encoded, whose writer stored (all-zero) repetition levels.
  @Test func rleBooleansAfterRepetitionLevels() throws {
    let file = try Self.open("rle_boolean_encoding.parquet")
    let pattern = "10-110011100110-1100110-11001110000110-110011100-11001110110-1100111"
    guard case .boolean(let values, let valid) = try file.readColumn(0) else { return #expect(Bool(false)) }
    #expect(values.count == pattern.count)
    for (i, c) in pattern.enumerated() {
      #expect(valid?[i] == (c != "-"), "row \(i)")
      if c != "-" { #expect(values[i] == (c == "1"), "row \(i)") }
    }
  }
}
