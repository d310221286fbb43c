import Foundation
@testable import Parquet
import TestSupport
import Testing

/// Files our writer makes read back identically with our reader and with pyarrow.
@Suite struct ParquetWriterTests {
  static let rows = 3000

  static func columns() -> [ParquetWriteColumn] {
    var state: UInt64 = 42
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33)
    }
    let eras = (0..<rows).map { String(format: "%04d", 1 + $0 / 100) }
    let features = (0..<rows).map { _ in Int8(next() % 5) }
    let targets = (0..<rows).map { i -> Float in i % 7 == 0 ? .nan : Float(next() % 5) / 4 }
    let doubles = (0..<rows).map { i -> Double in i % 11 == 0 ? .nan : Double(next() % 100_000) / 977 }
    return [
      .string("id", (0..<rows).map { "n\(String($0, radix: 16))x\(next() % 1000)" }),
      .string("era", eras),
      .int8("feature_a", features),
      .int8("feature_b", (0..<rows).map { _ in Int8(next() % 5) }),
      .int32("count", (0..<rows).map { _ in Int32(next() % 2_000_000) - 1_000_000 }),
      .int64("era_int", (0..<rows).map { Int64(1 + $0 / 100) }),
      .float("target", targets),
      .double("score", doubles),
    ]
  }

  static let settings: [(String, ParquetWriter)] = [
    ("snappy", ParquetWriter()),
    ("uncompressed", ParquetWriter(codec: .uncompressed)),
    ("plain", ParquetWriter(dictionary: false)),
    ("groups_and_pages", ParquetWriter(rowGroupRows: 1000, pageRows: 256)),
    ("zstd", ParquetWriter(codec: .zstd(level: 3))),
    ("zstd_19_split_floats", ParquetWriter(codec: .zstd(level: 19), pageRows: 700, floatEncoding: .byteStreamSplit)),
    ("split_floats", ParquetWriter(floatEncoding: .byteStreamSplit)),
  ]

  static func path(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)-\(name).parquet").path
  }

  @Test(arguments: settings.map(\.0))
  func ourReaderReadsOurFilesIdentically(setting: String) throws {
    let writer = Self.settings.first { $0.0 == setting }!.1
    let columns = Self.columns()
    let path = Self.path(setting)
    try writer.write(columns, rowCount: Self.rows, to: path, metadata: ["origin": "test"])
    let file = try ParquetFile(path: path)
    #expect(file.rowCount == Self.rows)
    #expect(file.columns.map(\.name) == columns.map(\.name))
    #expect(file.keyValueMetadata["origin"] == "test")
    #expect(file.rowGroupCount == (setting == "groups_and_pages" ? 3 : 1))
    for (index, column) in columns.enumerated() {
      let read = try file.readColumn(index)
      switch column {
      case .string(_, let v): #expect((0..<Self.rows).allSatisfy { read.string(at: $0) == v[$0] })
      case .int8(_, let v):
        #expect(read == .int32(v.map(Int32.init), valid: nil))
        #expect(file.columns[index].intBitWidth == 8)
      case .int32(_, let v): #expect(read == .int32(v, valid: nil))
      case .int64(_, let v): #expect(read == .int64(v, valid: nil))
      case .float(_, let v):
        guard case .float(let got, let valid) = read else { Issue.record("type"); continue }
        #expect(valid == v.map { !$0.isNaN })
        #expect(zip(got, v).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 })
      case .double(_, let v):
        guard case .double(let got, let valid) = read else { Issue.record("type"); continue }
        #expect(valid == v.map { !$0.isNaN })
        #expect(zip(got, v).allSatisfy { $0.isNaN && $1.isNaN || $0 == $1 })
      }
    }
  }

  @Test(arguments: settings.map(\.0))
  func pyarrowReadsOurFilesIdentically(setting: String) throws {
    try PythonPeer.require(modules: ["pyarrow"], packages: ["pyarrow"])
    let writer = Self.settings.first { $0.0 == setting }!.1
    let columns = Self.columns()
    let path = Self.path(setting)
    try writer.write(columns, rowCount: Self.rows, to: path)
    let dump = try PythonPeer.run(
      script: """
        import sys, json, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1])
        print(json.dumps({"types": {f.name: str(f.type) for f in t.schema},
          "cols": {c: [repr(v) if isinstance(v, float) else v for v in t.column(c).to_pylist()] for c in t.column_names}}))
        """, arguments: [path])
    let json = try JSONSerialization.jsonObject(with: Data(dump.utf8)) as! [String: [String: Any]]
    let types = json["types"] as! [String: String]
    #expect(types == [
      "id": "string", "era": "string", "feature_a": "int8", "feature_b": "int8", "count": "int32",
      "era_int": "int64", "target": "float", "score": "double",
    ])
    let cols = json["cols"] as! [String: [Any]]
    for column in columns {
      let got = cols[column.name]!
      switch column {
      case .string(let n, let v): #expect(got as? [String] == v, "\(n)")
      case .int8(let n, let v): #expect((got as! [NSNumber]).map(\.intValue) == v.map(Int.init), "\(n)")
      case .int32(let n, let v): #expect((got as! [NSNumber]).map(\.intValue) == v.map(Int.init), "\(n)")
      case .int64(let n, let v): #expect((got as! [NSNumber]).map(\.int64Value) == v, "\(n)")
      case .float(let n, let v):
        // pyarrow reads our nulls as None.
        #expect(zip(got, v).allSatisfy { g, x in x.isNaN ? g is NSNull : Float(Double(g as! String)!) == x }, "\(n)")
      case .double(let n, let v):
        #expect(zip(got, v).allSatisfy { g, x in x.isNaN ? g is NSNull : Double(g as! String)! == x }, "\(n)")
      }
    }
  }

  @Test func snappyRoundTripsAndCompressesRepetitiveData() throws {
    var state: UInt64 = 7
    let inputs: [[UInt8]] = [
      [], [1], Array("abcabcabcabcabcabcabcabcabcabcabcabcabcabc".utf8),
      [UInt8](repeating: 9, count: 100_000),
      (0..<70_000).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1
        return UInt8(truncatingIfNeeded: state >> 60)
      },
    ]
    for input in inputs {
      let compressed = input.withUnsafeBytes { SnappyCompressor.compress($0) }
      var output = [UInt8](repeating: 0, count: input.count)
      try compressed.withUnsafeBytes { c in
        try output.withUnsafeMutableBytes { try Snappy.decompress(c, into: $0) }
      }
      #expect(output == input)
    }
    let long = inputs[3].withUnsafeBytes { SnappyCompressor.compress($0) }
    #expect(long.count < 5000)
  }

  /// A MutableCollection without contiguous storage, to exercise readInt8Columns' copying path.
  struct Scattered: MutableCollection {
    var storage: [Int8]
    var startIndex: Int { 0 }
    var endIndex: Int { storage.count }
    func index(after i: Int) -> Int { i + 1 }
    subscript(i: Int) -> Int8 {
      get { storage[i] }
      set { storage[i] = newValue }
    }
  }

  @Test func int8ColumnsFillAnyDestinationLayout() throws {
    let path = Self.path("int8-layout")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ParquetWriter(rowGroupRows: 1000, pageRows: 256).write(Self.columns(), rowCount: Self.rows, to: path)
    let file = try ParquetFile(path: path)
    let names = ["feature_a", "target", "feature_b"]
    let indices = names.map { file.columnIndex(named: $0)! }
    var packed = [Int8](repeating: -1, count: 3 * Self.rows)
    let replaced = try file.readInt8Columns(indices, into: &packed, floatScale: 4, missing: 2, threads: 2)
    #expect(replaced == [0, (Self.rows + 6) / 7, 0])
    // A stride leaves the gaps between columns alone.
    let stride = Self.rows + 5
    var strided = [Int8](repeating: -7, count: 2 * stride + Self.rows)
    _ = try file.readInt8Columns(indices, into: &strided, columnStride: stride, floatScale: 4, missing: 2, threads: 1)
    var scattered = Scattered(storage: [Int8](repeating: -1, count: 3 * Self.rows))
    _ = try file.readInt8Columns(indices, into: &scattered, floatScale: 4, missing: 2, threads: 2)
    #expect(scattered.storage == packed)
    for k in 0..<3 {
      let column = packed[(k * Self.rows)..<((k + 1) * Self.rows)]
      #expect(strided[(k * stride)..<(k * stride + Self.rows)].elementsEqual(column))
      if k < 2 { #expect(strided[(k * stride + Self.rows)..<((k + 1) * stride)].allSatisfy { $0 == -7 }) }
    }
    guard case .int8(_, let featureA) = Self.columns()[2] else {
      Issue.record("column 2 is feature_a")
      return
    }
    #expect(Array(packed[0..<Self.rows]) == featureA)
  }

  @Test func splitFloatsAndZstdLevelAreWrittenAsAsked() throws {
    let split = Self.path("split")
    try ParquetWriter(codec: .zstd(level: 7), floatEncoding: .byteStreamSplit).write(
      Self.columns(), rowCount: Self.rows, to: split)
    let file = try ParquetFile(path: split)
    #expect(file.codecNames == ["ZSTD"])
    let plain = Self.path("plain")
    try ParquetWriter(codec: .zstd(level: 7)).write(Self.columns(), rowCount: Self.rows, to: plain)
    // Same values either way (compared as text: a null float slot holds NaN, which is not == itself); the
    // split file differs only in the float columns' encoding.
    for index in file.columns.indices {
      #expect("\(try file.readColumn(index))" == "\(try ParquetFile(path: plain).readColumn(index))")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: split)) != (try Data(contentsOf: URL(fileURLWithPath: plain))))
  }

  @Test func zstdLevelsChangeTheSize() throws {
    let values = (0..<20_000).map { Double($0 % 977) * 0.001 + Double($0 / 977) }
    var sizes: [Int] = []
    for level in [1, 19] {
      let path = Self.path("level\(level)")
      try ParquetWriter(codec: .zstd(level: level), dictionary: false).write(
        [.double("x", values)], rowCount: values.count, to: path)
      sizes.append(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
      #expect(try ParquetFile(path: path).readColumn(0) == .double(values, valid: nil))
    }
    #expect(sizes[1] < sizes[0])
  }
}
