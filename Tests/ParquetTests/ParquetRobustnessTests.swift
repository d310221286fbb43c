import Foundation
import Parquet
import Testing

/// Bad files end in one clear `ParquetError` naming the file — never a crash, a hang or a wrong silent read.
@Suite struct ParquetRobustnessTests {
  static func validBytes(_ variant: String = "small_pages") throws -> [UInt8] {
    // "nested" is the many-page file of nested columns.
    let path =
      variant == "nested"
      ? try NestedFixtures.directory.get() + "/small_pages.parquet"
      : try PyarrowFixtures.directory.get() + "/\(variant).parquet"
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  static func write(_ bytes: [UInt8], name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Opens `path` and decodes every column (the nested ones by top-level field); returns the error text, or
  /// nil when everything read.
  static func readEverything(_ path: String) -> String? {
    do {
      let file = try ParquetFile(path: path)
      for index in file.columns.indices where !file.columns[index].isNested { _ = try file.readColumn(index) }
      let nested = Set(file.columns.filter(\.isNested).map { String($0.name.prefix { $0 != "." }) })
      for name in file.fieldNames where nested.contains(name) { _ = try file.readField(named: name) }
      let ints = file.columns.indices.filter { file.columns[$0].intBitWidth == 8 }
      var matrix = [Int8](repeating: 0, count: ints.count * file.rowCount)
      _ = try file.readInt8Columns(ints, into: &matrix, floatScale: 4, missing: 2, threads: 2)
      return nil
    } catch let error as ParquetError {
      return error.description
    } catch {
      return "unexpected error type: \(error)"
    }
  }

  @Test func emptyFile() throws {
    let path = try Self.write([], name: "empty.parquet")
    #expect(Self.readEverything(path) == "\(path): the file is empty, expected a Parquet file")
  }

  @Test func notParquet() throws {
    let path = try Self.write(Array("id,era,feature_a\nx,0001,3\n".utf8), name: "data.csv")
    #expect(Self.readEverything(path) == "\(path): not a Parquet file (no PAR1 magic at the start)")
  }

  @Test func missingFile() {
    let message = Self.readEverything("/nonexistent/train.parquet")
    #expect(message?.hasPrefix("/nonexistent/train.parquet: cannot open the file") == true)
  }

  @Test func truncatedFile() throws {
    let bytes = try Self.validBytes()
    let path = try Self.write(Array(bytes.prefix(bytes.count / 2)), name: "truncated.parquet")
    #expect(Self.readEverything(path) == "\(path): truncated or not a Parquet file (no PAR1 magic at the end)")
  }

  @Test func brokenFooter() throws {
    var bytes = try Self.validBytes()
    // A footer length larger than the file.
    bytes[bytes.count - 5] = 0x7f
    let path = try Self.write(bytes, name: "footer.parquet")
    let message = try #require(Self.readEverything(path))
    #expect(message.hasPrefix("\(path): broken footer: length"))
    // Footer bytes garbled.
    var garbled = try Self.validBytes()
    let length = Int(garbled[garbled.count - 8]) | Int(garbled[garbled.count - 7]) << 8
    for i in (garbled.count - 8 - length)..<(garbled.count - 8 - length + 40) { garbled[i] = 0xff }
    let path2 = try Self.write(garbled, name: "garbled.parquet")
    #expect(Self.readEverything(path2)?.hasPrefix("\(path2): broken footer") == true)
  }

  @Test func corruptPage() throws {
    var bytes = try Self.validBytes()
    // Overwrite the middle of the column data (past the 4-byte magic, well before the footer).
    for i in 200..<260 { bytes[i] = 0xA5 }
    let path = try Self.write(bytes, name: "page.parquet")
    let message = try #require(Self.readEverything(path))
    #expect(message.hasPrefix("\(path): column '"))
  }

  /// 500 flipped copies of the many-page Snappy file, and 150 of each of the ZSTD, GZIP, v2,
  /// DELTA_BINARY_PACKED, LZ4_RAW, BYTE_STREAM_SPLIT, DELTA_(LENGTH_)BYTE_ARRAY, BROTLI and fixed-width
  /// BYTE_STREAM_SPLIT files (every file also holds INT96, decimal, float16 and fixed-size binary columns), and
  /// 300 of the many-page file of nested columns (lists, a struct, a map, lists of lists).
  @Test(arguments: [
    ("small_pages", 500), ("zstd", 150), ("gzip", 150), ("page_v2", 150), ("delta", 150), ("lz4_raw", 150),
    ("byte_stream_split", 150), ("delta_strings", 150), ("brotli", 150), ("fixed_width_split", 150), ("nested", 300),
  ])
  func randomByteFlipsNeverCrash(variant: String, count: Int) throws {
    let original = try Self.validBytes(variant)
    var state: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(count)
    func next() -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state >> 1)
    }
    var failures = 0
    var reads = 0
    for trial in 0..<count {
      var bytes = original
      for _ in 0..<(1 + next() % 8) { bytes[next() % bytes.count] ^= UInt8(1 + next() % 255) }
      let path = try Self.write(bytes, name: "flip\(trial).parquet")
      if let message = Self.readEverything(path) {
        #expect(message.hasPrefix(path), "\(message)")
        failures += 1
      } else {
        reads += 1
      }
      try? FileManager.default.removeItem(atPath: path)
    }
    // Most flips land in data and are detected or harmless; both outcomes occur.
    #expect(failures + reads == count)
    #expect(failures > 0)
  }
}
