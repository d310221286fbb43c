import Foundation
import Parquet
import Testing

/// apache/parquet-testing as an external suite: every value we read equals pyarrow's, and whatever we do not
/// read yet fails with one `ParquetError`, never a crash.
@Suite struct ParquetTestingCorpusTests {
  /// Files of which we read every column, each value equal to pyarrow's. A file leaving this list is a
  /// regression; a file joining it (new support) must be added here.
  static let fullyRead: Set<String> = [
    "bad_data/ARROW-GH-43605.parquet",
    "data/alltypes_dictionary.parquet",
    "data/alltypes_plain.parquet",
    "data/alltypes_plain.snappy.parquet",
    "data/alltypes_tiny_pages.parquet",
    "data/alltypes_tiny_pages_plain.parquet",
    "data/binary.parquet",
    "data/binary_truncated_min_max.parquet",
    "data/byte_array_decimal.parquet",
    "data/byte_stream_split.zstd.parquet",
    "data/byte_stream_split_extended.gzip.parquet",
    "data/column_chunk_key_value_metadata.parquet",
    "data/concatenated_gzip_members.parquet",
    "data/data_index_bloom_encoding_stats.parquet",
    "data/data_index_bloom_encoding_with_length.parquet",
    "data/datapage_v1-corrupt-checksum.parquet",
    "data/datapage_v1-snappy-compressed-checksum.parquet",
    "data/datapage_v1-uncompressed-checksum.parquet",
    "data/datapage_v2.snappy.parquet",
    "data/datapage_v2_empty_datapage.snappy.parquet",
    "data/delta_binary_packed.parquet",
    "data/delta_byte_array.parquet",
    "data/delta_encoding_optional_column.parquet",
    "data/delta_encoding_required_column.parquet",
    "data/delta_length_byte_array.parquet",
    "data/dict-page-offset-zero.parquet",
    "data/fixed_length_byte_array.parquet",
    "data/fixed_length_decimal.parquet",
    "data/fixed_length_decimal_legacy.parquet",
    "data/float16_nonzeros_and_nans.parquet",
    "data/float16_zeros_and_nans.parquet",
    "data/floating_orders_nan_count.parquet",
    "data/hadoop_lz4_compressed.parquet",
    "data/hadoop_lz4_compressed_larger.parquet",
    "data/int32_decimal.parquet",
    "data/int32_with_null_pages.parquet",
    "data/int64_decimal.parquet",
    "data/int96_from_spark.parquet",
    "data/list_columns.parquet",
    "data/lz4_raw_compressed.parquet",
    "data/lz4_raw_compressed_larger.parquet",
    "data/map_no_value.parquet",
    "data/nan_in_stats.parquet",
    "data/nation.dict-malformed.parquet",
    "data/nested_lists.snappy.parquet",
    "data/nested_maps.snappy.parquet",
    "data/nested_structs.rust.parquet",
    "data/non_hadoop_lz4_compressed.parquet",
    "data/nonnullable.impala.parquet",
    "data/null_list.parquet",
    "data/nullable.impala.parquet",
    "data/nulls.snappy.parquet",
    "data/old_list_structure.parquet",
    "data/overflow_i16_page_cnt.parquet",
    "data/page_v2_empty_compressed.parquet",
    "data/plain-dict-uncompressed-checksum.parquet",
    "data/repeated_no_annotation.parquet",
    "data/repeated_primitive_no_list.parquet",
    "data/rle-dict-snappy-checksum.parquet",
    "data/rle-dict-uncompressed-corrupt-checksum.parquet",
    "data/rle_boolean_encoding.parquet",
    "data/single_nan.parquet",
    "data/sort_columns.parquet",
    "data/unknown-logical-type.parquet",
  ]

  /// What reading one file gave.
  struct Outcome {
    var opened = false
    /// Flat columns read equal to pyarrow's.
    var equal: [String] = []
    /// Top-level fields holding nested columns, read equal to pyarrow's.
    var equalFields: [String] = []
    /// Columns we refused, with our error.
    var refused: [String: String] = [:]
    /// Problems the test must report: values differing from pyarrow's, errors that are not `ParquetError`.
    var problems: [String] = []

    var readsEverything: Bool { opened && refused.isEmpty && problems.isEmpty }
  }

  @Test(arguments: ParquetTestingCorpus.files)
  func readsLikePyarrow(file name: String) throws {
    let want = try #require(try ParquetTestingCorpus.expected()[name])
    let outcome = Self.read(name, expected: want)
    for problem in outcome.problems { Issue.record("\(name): \(problem)") }
    let pyarrowReads = want["error"] == nil
    let fully = Self.readsFully(outcome, expected: want)
    #expect(fully == Self.fullyRead.contains(name), "\(name): reads fully: \(fully); refused: \(outcome.refused)")
    if name.hasPrefix("bad_data/") && !pyarrowReads {
      #expect(!outcome.opened || !outcome.refused.isEmpty, "\(name): pyarrow refuses it, we read it")
    }
  }

  /// Files holding flat columns beside nested ones: the flat ones read equal to pyarrow's, and so does each
  /// top-level field holding nested ones; `readColumn` refuses a nested leaf with one error naming the file
  /// and the column and pointing to `readField`.
  @Test(arguments: [
    "data/datapage_v2.snappy.parquet", "data/nested_lists.snappy.parquet", "data/nested_maps.snappy.parquet",
    "data/nonnullable.impala.parquet", "data/nullable.impala.parquet",
  ])
  func flatColumnsBesideNestedOnesRead(file name: String) throws {
    let want = try #require(try ParquetTestingCorpus.expected()[name])
    let file = try ParquetFile(path: ParquetTestingCorpus.directory + "/" + name)
    let nested = try #require(want["nested"] as? [String])
    #expect(file.columns.filter(\.isNested).map(\.name) == nested)
    let outcome = Self.read(name, expected: want)
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    let flat = (want["columns"] as? [String: Any] ?? [:]).keys
    #expect(Set(outcome.equal) == Set(flat))
    let fields = try #require(want["fields"] as? [String: Any])
    #expect(!fields.isEmpty && Set(outcome.equalFields) == Set(fields.keys))
    for column in nested {
      let index = try #require(file.columnIndex(named: column))
      let field = String(column.prefix { $0 != "." })
      #expect(
        throws: ParquetError(
          path: file.path, column: column,
          reason:
            "is nested (inside a LIST, MAP or STRUCT group, or repeated); read it with readField(named: \"\(field)\")")
      ) { try file.readColumn(index) }
    }
  }

  /// The count for the issue: files read equal to pyarrow / files pyarrow reads.
  @Test func corpusCount() throws {
    let expected = try ParquetTestingCorpus.expected()
    let readable = ParquetTestingCorpus.files.filter { expected[$0]?["error"] == nil }
    var read = 0
    var notYet: [String] = []
    for name in readable {
      let outcome = Self.read(name, expected: expected[name]!)
      if Self.readsFully(outcome, expected: expected[name]!) {
        read += 1
      } else {
        notYet.append("\(name): \(outcome.refused.values.sorted().first ?? "float16 or decimal columns unread")")
      }
    }
    print("parquet-testing: \(read) of the \(readable.count) files pyarrow reads are read equal to pyarrow")
    for line in notYet { print("  not yet: \(line)") }
  }

  /// Whether pyarrow reads the file and so do we, every column (nested ones too), every value equal.
  static func readsFully(_ outcome: Outcome, expected want: [String: Any]) -> Bool {
    let fields = want["fields"] as? [String: [String: Any]] ?? [:]
    return want["error"] == nil && outcome.readsEverything
      && (want["columns"] as? [String: [String: Any]] ?? [:]).values.allSatisfy { $0["error"] == nil }
      && fields.values.allSatisfy { $0["error"] == nil } && Set(outcome.equalFields) == Set(fields.keys)
  }

  /// Opens `name` and reads each flat column pyarrow gives values for, plus each column pyarrow does not, and
  /// each top-level field holding nested columns.
  static func read(_ name: String, expected want: [String: Any]) -> Outcome {
    var outcome = Outcome()
    let file: ParquetFile
    do {
      file = try ParquetFile(path: ParquetTestingCorpus.directory + "/" + name)
    } catch {
      if !(error is ParquetError) { outcome.problems.append("open threw a non-ParquetError: \(error)") }
      outcome.refused[""] = "\(error)"
      return outcome
    }
    outcome.opened = true
    if let rows = want["rows"] as? Int, rows != file.rowCount {
      outcome.problems.append("\(file.rowCount) rows, pyarrow reads \(rows)")
    }
    let columns = want["columns"] as? [String: [String: Any]] ?? [:]
    for (index, column) in file.columns.enumerated() where !column.isNested {
      do {
        let values = try file.readColumn(index)
        if let wanted = columns[column.name]?["values"] as? [Any] {
          if let mismatch = mismatch(values, wanted) {
            outcome.problems.append("column '\(column.name)': \(mismatch)")
          } else {
            outcome.equal.append(column.name)
          }
        } else if want["error"] == nil && columns[column.name] == nil {
          outcome.problems.append("column '\(column.name)' read, but pyarrow has no flat column of that name")
        }
      } catch {
        if !(error is ParquetError) { outcome.problems.append("column '\(column.name)' threw \(error)") }
        outcome.refused[column.name] = "\(error)"
      }
    }
    readFields(file, expected: want, into: &outcome)
    return outcome
  }

  /// Reads each top-level field pyarrow gives nested values for (and each nested field when pyarrow refuses
  /// the file) through `readField`, comparing with pyarrow's.
  static func readFields(_ file: ParquetFile, expected want: [String: Any], into outcome: inout Outcome) {
    let fields = want["fields"] as? [String: [String: Any]] ?? [:]
    let nestedFields = Set(file.columns.filter(\.isNested).map { String($0.name.prefix { $0 != "." }) })
    for name in Set(fields.keys).union(want["error"] == nil ? [] : nestedFields).sorted() {
      do {
        let values = try file.readField(named: name)
        if let wanted = fields[name]?["values"] as? [Any] {
          if let mismatch = ParquetValueMatching.mismatch(values, wanted) {
            outcome.problems.append("field '\(name)': \(mismatch)")
          } else {
            outcome.equalFields.append(name)
          }
        }
      } catch {
        if !(error is ParquetError) { outcome.problems.append("field '\(name)' threw \(error)") }
        outcome.refused[name] = "\(error)"
      }
    }
  }

  /// Where `values` first differ from pyarrow's `want`, or nil when all are equal.
  static func mismatch(_ values: ParquetColumnValues, _ want: [Any]) -> String? {
    guard values.count == want.count else { return "\(values.count) values, pyarrow reads \(want.count)" }
    for (i, w) in want.enumerated() {
      let isNull = w is NSNull
      guard (values.valid?[i] ?? true) != isNull else { return "row \(i): null differs from pyarrow's \(w)" }
      if isNull { continue }
      let number = w as? NSNumber
      let text = w as? String
      let ok: Bool
      switch values {
      case .int32(let v, _): ok = number.map { Int64(v[i]) == $0.int64Value } ?? false
      case .int64(let v, _): ok = number.map { v[i] == $0.int64Value } ?? false
      case .boolean(let v, _): ok = number.map { v[i] == $0.boolValue } ?? false
      case .float(let v, _): ok = text.flatMap(Double.init).map { $0.isNaN ? v[i].isNaN : Double(v[i]) == $0 } ?? false
      case .double(let v, _): ok = text.flatMap(Double.init).map { $0.isNaN ? v[i].isNaN : v[i] == $0 } ?? false
      case .byteArray(let bytes, let offsets, _):
        ok = bytes[offsets[i]..<offsets[i + 1]].map { String(format: "%02x", $0) }.joined() == text
      }
      if !ok { return "row \(i) differs from pyarrow's \(w)" }
    }
    return nil
  }
}
