import Foundation
import Testing

@testable import Parquet

/// Nested columns: pyarrow's files read back equal, the Dremel paper's example assembles to its known
/// records, and inconsistent levels end in one error.
@Suite struct NestedColumnTests {
  @Test(arguments: NestedFixtures.variants)
  func pyarrowNestedColumnsReadEqual(variant: String) throws {
    let want = try #require(try NestedFixtures.expected()[variant])
    let file = try ParquetFile(path: try NestedFixtures.directory.get() + "/\(variant).parquet")
    #expect(file.fieldNames == ["row", "ints", "record", "scores", "grid"])
    for (field, values) in want {
      let read = try file.readField(named: field)
      #expect(ParquetValueMatching.mismatch(read, values) == nil, "\(variant) \(field)")
    }
    // A flat column beside the nested ones: the fast path, and the same values as a field.
    let rows = try file.readColumn(try #require(file.columnIndex(named: "row")))
    #expect(rows == .int32((0..<3000).map(Int32.init), valid: nil))
    #expect(try file.readField(named: "row") == (0..<3000).map { .int(Int64($0)) })
  }

  @Test func unknownFieldIsAnError() throws {
    let file = try ParquetFile(path: try NestedFixtures.directory.get() + "/v1.parquet")
    #expect(
      throws: ParquetError(
        path: file.path, column: "nope",
        reason: "no top-level field of that name (the file has row, ints, record, scores, grid)")
    ) { try file.readField(named: "nope") }
  }

  /// A repetition level above the column's maximum, written into a page of pyarrow's file: one error naming
  /// the file and the leaf column.
  @Test func repetitionLevelAboveMaximumInAFile() throws {
    let original = try NestedFixtures.directory.get() + "/uncompressed.parquet"
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
    let leaf = "grid.list.element.list.element"
    let pageOffset = try {
      let file = try ParquetFile(path: original)
      let index = try #require(file.columnIndex(named: leaf))
      return Int(file.metadata.rowGroups[0].columns[index].dataPageOffset)
    }()
    let body = try bytes.withUnsafeBytes { raw in
      var reader = ThriftCompactReader(raw, position: pageOffset)
      _ = try PageHeader(&reader)
      return reader.position
    }
    // The body opens with the repetition levels' 4-byte length, then the first run's header: make the run's
    // levels 3 (two bits each; the column's maximum is 2).
    if bytes[body + 4] & 1 == 0 {
      bytes[body + 5] = 3
    } else {
      bytes[body + 5] = 0xFF
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-levels.parquet").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try ParquetFile(path: path)
    #expect(
      throws: ParquetError(path: path, column: leaf, reason: "repetition level 3 above the column's maximum 2")
    ) { try file.readField(named: "grid") }
  }

  // MARK: - The Dremel paper's Document example (Melnik et al. 2010, figures 2 and 3)

  /// message Document { required int64 DocId; optional group Links { repeated int64 Backward;
  /// repeated int64 Forward; } repeated group Name { repeated group Language { required string Code;
  /// optional string Country; } optional string Url; } }
  static let documentSchema: [FileMetaData.SchemaElement] = [
    element("Document", children: 3),
    element("DocId", required, type: .int64),
    element("Links", optional, children: 2),
    element("Backward", repeated, type: .int64),
    element("Forward", repeated, type: .int64),
    element("Name", repeated, children: 2),
    element("Language", repeated, children: 2),
    element("Code", required, type: .byteArray),
    element("Country", optional, type: .byteArray),
    element("Url", optional, type: .byteArray),
  ]

  /// The two records' column stripes: values, repetition and definition levels, as the paper lists them.
  static let documentLeaves: [String: LeafColumn] = [
    "DocId": leaf(.int64([10, 20], valid: nil), r: [0, 0], d: [0, 0], max: 0),
    "Backward": leaf(.int64([10, 30], valid: nil), r: [0, 0, 1], d: [1, 2, 2], max: 2),
    "Forward": leaf(.int64([20, 40, 60, 80], valid: nil), r: [0, 1, 1, 0], d: [2, 2, 2, 2], max: 2),
    "Code": leaf(strings(["en-us", "en", "en-gb"]), r: [0, 2, 1, 1, 0], d: [2, 2, 1, 2, 1], max: 2),
    "Country": leaf(strings(["us", "gb"]), r: [0, 2, 1, 1, 0], d: [3, 2, 1, 3, 1], max: 3),
    "Url": leaf(strings(["http://A", "http://B", "http://C"]), r: [0, 1, 1, 0], d: [2, 2, 1, 2], max: 2),
  ]

  @Test func dremelDocumentAssembles() throws {
    #expect(try assemble("DocId") == [.int(10), .int(20)])
    #expect(
      try assemble("Links") == [
        .struct([field("Backward", .list([])), field("Forward", .list([.int(20), .int(40), .int(60)]))]),
        .struct([field("Backward", .list([.int(10), .int(30)])), field("Forward", .list([.int(80)]))]),
      ])
    func language(_ code: String, _ country: String?) -> ParquetValue {
      .struct([field("Code", .string(code)), field("Country", country.map(ParquetValue.string) ?? .null)])
    }
    func name(_ languages: [ParquetValue], _ url: String?) -> ParquetValue {
      .struct([field("Language", .list(languages)), field("Url", url.map(ParquetValue.string) ?? .null)])
    }
    #expect(
      try assemble("Name") == [
        .list([
          name([language("en-us", "us"), language("en", nil)], "http://A"), name([], "http://B"),
          name([language("en-gb", "gb")], nil),
        ]),
        .list([name([], "http://C")]),
      ])
  }

  @Test func inconsistentLevelsThrow() throws {
    var leaves = Self.documentLeaves
    // Levels ending mid-record: the second record's Forward entry is gone.
    leaves["Forward"] = Self.leaf(.int64([20, 40, 60], valid: nil), r: [0, 1, 1], d: [2, 2, 2], max: 2)
    #expect(reason { try assemble("Links", leaves) } == "levels end after 1 of 2 rows")
    // Levels left over after the last row.
    #expect(reason { try assemble("Links", rows: 1) } == "levels hold 2 entries past the last row")
    // A repetition level above the field's.
    leaves["Forward"] = Self.leaf(.int64([20, 40, 60, 80], valid: nil), r: [0, 1, 2, 0], d: [2, 2, 2, 2], max: 2)
    #expect(reason { try assemble("Links", leaves) } == "repetition level 2 where 'Forward' allows at most 1")
    // Two leaves of one group disagreeing on its length.
    leaves = Self.documentLeaves
    leaves["Country"] = Self.leaf(Self.strings(["us", "gb"]), r: [0, 1, 1, 1, 0], d: [3, 2, 1, 3, 1], max: 3)
    #expect(reason { try assemble("Name", leaves) } == "leaves of 'Language' disagree on its number of elements")
    // A required value whose definition level says it is missing.
    leaves = Self.documentLeaves
    leaves["Code"] = Self.leaf(Self.strings(["en-us", "en"]), r: [0, 2, 1, 1, 0], d: [2, 2, 1, 1, 1], max: 2)
    #expect(
      reason { try assemble("Name", leaves) } == "leaves of 'Language' disagree on whether it holds a value")
  }

  // MARK: - Helpers

  func assemble(_ name: String, _ leaves: [String: LeafColumn] = documentLeaves, rows: Int = 2) throws
    -> [ParquetValue]
  {
    let tree = try #require(try SchemaTree.topLevelFields(Self.documentSchema).first { $0.element.name == name })
    let columns = Self.documentSchema.filter { $0.type != nil }.map {
      ParquetColumnDescriptor(
        name: $0.name, physicalType: ParquetPhysicalType(rawValue: $0.type!)!, intBitWidth: nil, isSigned: true,
        isString: $0.type == ParquetPhysicalType.byteArray.rawValue, isOptional: $0.repetition == 1, isNested: true)
    }
    var builder = FieldNodeBuilder(columns: columns)
    let field = try builder.field(tree, definition: 0, repetition: 0)
    let stripes = builder.leaves.map { leaves[columns[$0.column].name]! }
    #expect(builder.leaves.map(\.maxDefinition) == stripes.map(\.maxDefinition))
    return try RecordAssembler.assemble(field, leaves: stripes, rows: rows)
  }

  func reason(_ body: () throws -> [ParquetValue]) -> String? {
    do {
      _ = try body()
      return nil
    } catch {
      return (error as? CorruptData)?.reason ?? "\(error)"
    }
  }

  func field(_ name: String, _ value: ParquetValue) -> ParquetValue.Field { .init(name: name, value: value) }

  static func element(
    _ name: String, _ repetition: Int32? = nil, type: ParquetPhysicalType? = nil, children: Int? = nil
  ) -> FileMetaData.SchemaElement {
    var e = FileMetaData.SchemaElement()
    e.name = name
    e.repetition = repetition
    e.type = type?.rawValue
    e.childCount = children
    if type == .byteArray { e.convertedType = 0 }
    return e
  }

  static func leaf(_ values: ParquetColumnValues, r: [UInt32], d: [UInt32], max: Int) -> LeafColumn {
    LeafColumn(repetition: r, definition: d, values: values, maxDefinition: max)
  }

  static func strings(_ values: [String]) -> ParquetColumnValues {
    let bytes = values.flatMap(\.utf8)
    let offsets = values.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count) }
    return .byteArray(bytes: Array(bytes), offsets: offsets, valid: nil)
  }
}

/// Parquet's field repetition types.
private let required: Int32 = 0
private let optional: Int32 = 1
private let repeated: Int32 = 2
