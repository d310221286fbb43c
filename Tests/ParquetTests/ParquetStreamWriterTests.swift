import Foundation
@testable import Parquet
import Testing

/// Writing a file row group by row group gives the bytes one whole write gives; a bad append or a dropped
/// stream leaves no file behind.
@Suite struct ParquetStreamWriterTests {
  static func directory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// Rows `range` of every column.
  static func slice(_ columns: [ParquetWriteColumn], _ range: Range<Int>) -> [ParquetWriteColumn] {
    columns.map { column in
      switch column {
      case .int8(let n, let v): .int8(n, Array(v[range]))
      case .int32(let n, let v): .int32(n, Array(v[range]))
      case .int64(let n, let v): .int64(n, Array(v[range]))
      case .float(let n, let v): .float(n, Array(v[range]))
      case .double(let n, let v): .double(n, Array(v[range]))
      case .string(let n, let v): .string(n, Array(v[range]))
      }
    }
  }

  @Test func appendsOfWholeRowGroupsGiveTheBytesOfOneWrite() throws {
    let dir = Self.directory()
    let columns = ParquetWriterTests.columns()
    let rows = ParquetWriterTests.rows
    let writer = ParquetWriter(rowGroupRows: 1000, pageRows: 256)
    try writer.write(columns, rowCount: rows, to: dir + "/whole.parquet", metadata: ["k": "v"])
    let stream = try ParquetStreamWriter(path: dir + "/pieces.parquet", writer: writer)
    try stream.append(Self.slice(columns, 0..<1000), rowCount: 1000)
    try stream.append(Self.slice(columns, 1000..<rows), rowCount: rows - 1000)
    try stream.finish(metadata: ["k": "v"])
    let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole.parquet"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/pieces.parquet")) == whole)
    #expect(try ParquetFile(path: dir + "/pieces.parquet").rowGroupCount == 3)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["pieces.parquet", "whole.parquet"])
  }

  @Test func anAppendWithOtherColumnsIsRefusedAndADroppedStreamLeavesNothing() throws {
    let dir = Self.directory()
    let path = dir + "/f.parquet"
    var stream: ParquetStreamWriter? = try ParquetStreamWriter(path: path)
    try stream!.append([.int8("feature_a", [1, 2]), .float("target", [0.5, .nan])], rowCount: 2)
    #expect(throws: ParquetError(path: path, reason: "appended columns differ from the file's first columns")) {
      try stream!.append([.int8("feature_a", [1]), .double("target", [0.5])], rowCount: 1)
    }
    #expect(throws: ParquetError(path: path, column: "target", reason: "1 values given, expected 2")) {
      try stream!.append([.int8("feature_a", [1, 2]), .float("target", [0.5])], rowCount: 2)
    }
    stream = nil
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }
}
