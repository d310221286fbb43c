import Foundation
import TestSupport

/// apache/parquet-testing's files, vendored in `Tests/Fixtures/parquet-testing` (see its README), with
/// pyarrow's reading of every flat column as JSON, written once per test run.
///
/// Values are as `ParquetFile.readColumn` gives them: integers as their INT32/INT64 bit pattern (INT32/INT64
/// decimals unscaled, dates and timestamps in their stored unit, INT96 as nanoseconds), floats (FLOAT16 too)
/// and decimals stored as bytes as Python `repr` strings of the nearest double, BYTE_ARRAY and
/// FIXED_LEN_BYTE_ARRAY as hex, `null` for a null. A column pyarrow reads but whose values the script cannot
/// give carries `error` instead of `values`; a file pyarrow refuses carries `error` at the top.
/// Each top-level field with nested columns (`nested` lists their leaves) has its `to_pylist()` under
/// `fields`, as `nestedPython` converts it.
enum ParquetTestingCorpus {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/parquet-testing").path

  /// Every vendored file as `data/<name>` or `bad_data/<name>`.
  static let files: [String] = ["data", "bad_data"].flatMap { folder in
    ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? [])
      .filter { $0.hasSuffix(".parquet") }.sorted().map { folder + "/" + $0 }
  }

  /// pyarrow's reading of each file, keyed like `files`.
  static func expected() throws -> [String: [String: Any]] {
    try JSONSerialization.jsonObject(with: try json.get()) as! [String: [String: Any]]
  }

  /// The JSON the script writes, produced once per test run.
  static let json: Result<Data, any Error> = Result {
    try PythonPeer.require(modules: ["pyarrow"], packages: ["pyarrow"])
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "parquet-testing-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: output) }
    try PythonPeer.run(script: script, arguments: [directory, output.path])
    return try Data(contentsOf: output)
  }

  /// Python turning an Arrow column of any nesting into JSON, the same way as the flat columns: each leaf
  /// physical (dates, times and timestamps as their stored integers, UINT64 as its signed bit pattern), floats
  /// as `repr` strings, strings and bytes as hex, structs as objects, lists as arrays, maps as arrays of
  /// `[key, value]` pairs. Decimals and float16 raise.
  static let nestedPython = #"""
    import pyarrow as pa

    def plain_type(t):
        if pa.types.is_dictionary(t):
            return plain_type(t.value_type)
        if pa.types.is_struct(t):
            return pa.struct([pa.field(f.name, plain_type(f.type), f.nullable) for f in t])
        if pa.types.is_map(t):
            return pa.map_(pa.field("key", plain_type(t.key_type), False),
                           pa.field("value", plain_type(t.item_type), t.item_field.nullable))
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            f = t.value_field
            return pa.list_(pa.field(f.name, plain_type(f.type), f.nullable))
        if pa.types.is_date32(t) or pa.types.is_time32(t):
            return pa.int32()
        if pa.types.is_date64(t) or pa.types.is_time64(t) or pa.types.is_timestamp(t) or pa.types.is_duration(t):
            return pa.int64()
        if pa.types.is_decimal(t) or pa.types.is_float16(t):
            raise TypeError(f"no physical values for {t}")
        return t

    def plain_value(v):
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v - (1 << 64) if v >= 1 << 63 else v
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, str):
            return v.encode().hex()
        if isinstance(v, bytes):
            return v.hex()
        if isinstance(v, dict):
            return {k: plain_value(x) for k, x in v.items()}
        if isinstance(v, tuple):
            return [plain_value(v[0]), plain_value(v[1])]
        return [plain_value(x) for x in v]

    def nested_values(col):
        t = plain_type(col.type)
        if t != col.type:
            col = col.cast(t)
        return [plain_value(v) for v in col.to_pylist()]
    """#

  static let script = nestedPython + "\n" + #"""
    import json, os, sys
    import pyarrow as pa, pyarrow.parquet as pq
    root, out = sys.argv[1], sys.argv[2]

    def signed(v, bits):
        v %= 1 << bits
        return v - (1 << bits) if v >= 1 << (bits - 1) else v

    def physical(col, kind):
        t = col.type
        if pa.types.is_dictionary(t):
            col, t = col.cast(t.value_type), t.value_type
        if kind in ("INT32", "INT64"):
            bits = 32 if kind == "INT32" else 64
            if pa.types.is_decimal(t):
                return [None if v is None else int(v.scaleb(t.scale)) for v in col.to_pylist()]
            if pa.types.is_date64(t):
                col = col.cast(pa.timestamp("ms"))
            if not pa.types.is_integer(t):
                col = col.cast(pa.int64())
            return [None if v is None else signed(int(v), bits) for v in col.to_pylist()]
        if kind == "INT96":
            return [None if v is None else signed(int(v), 64) for v in col.cast(pa.int64()).to_pylist()]
        if kind in ("FLOAT", "DOUBLE") or pa.types.is_float16(t) or pa.types.is_decimal(t):
            return [None if v is None else repr(float(v)) for v in col.to_pylist()]
        if kind == "BOOLEAN":
            return col.to_pylist()
        if kind in ("BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY") and (
                pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
                or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)):
            return [None if v is None else (v.encode() if isinstance(v, str) else v).hex() for v in col.to_pylist()]
        raise TypeError(f"no physical values for {kind} read as {t}")

    result = {}
    for folder in ("data", "bad_data"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if not name.endswith(".parquet"):
                continue
            entry = {}
            try:
                f = pq.ParquetFile(os.path.join(root, folder, name))
                table = f.read()
                entry["rows"] = table.num_rows
                entry["columns"] = {}
                entry["nested"] = []
                entry["fields"] = {}
                for field in table.column_names:
                    if not pa.types.is_nested(table.schema.field(field).type):
                        continue
                    try:
                        entry["fields"][field] = {"values": nested_values(table.column(field))}
                    except Exception as e:
                        entry["fields"][field] = {"error": f"{type(e).__name__}: {e}"}
                for i in range(len(f.schema)):
                    c = f.schema.column(i)
                    if "." in c.path or c.max_repetition_level > 0:
                        entry["nested"].append(c.path)
                        continue
                    try:
                        entry["columns"][c.path] = {"values": physical(table.column(c.path), c.physical_type)}
                    except Exception as e:
                        entry["columns"][c.path] = {"error": f"{type(e).__name__}: {e}"}
            except Exception as e:
                entry = {"error": f"{type(e).__name__}: {e}"}
            result[f"{folder}/{name}"] = entry
    json.dump(result, open(out, "w"))
    """#
}
