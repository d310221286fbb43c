import Foundation
import TestSupport

/// Parquet files written by pyarrow in every variant the reader must handle, with pyarrow's own reading
/// of each value as JSON (`null` for a null; floats as
/// their Python `repr`, which `Double(_: String)` reads back exactly).
enum PyarrowFixtures {
  static let variants = [
    "snappy", "zstd", "gzip", "none", "row_groups", "no_dictionary", "page_v2", "page_v2_zstd", "small_pages",
    "delta", "lz4_raw", "byte_stream_split", "delta_strings", "brotli", "fixed_width_split",
  ]

  /// The directory holding `<variant>.parquet` and `expected.json`, written once per test run.
  static let directory: Result<String, any Error> = Result {
    try PythonPeer.require(modules: ["pyarrow", "pandas", "numpy"], packages: ["pyarrow", "pandas", "numpy"])
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parquet-fixtures-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try PythonPeer.run(script: script, arguments: [dir.path])
    return dir.path
  }

  /// pyarrow's values per variant and column.
  static func expected() throws -> [String: [String: [Any]]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: try directory.get() + "/expected.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: [String: [Any]]]
  }

  static let script = #"""
    import json, sys, numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    n = 2500
    era = np.sort(rng.integers(1, 60, n))
    f = rng.integers(0, 5, n).astype("float32") / 4
    f[rng.random(n) < 0.05] = np.nan
    t = rng.integers(0, 5, n).astype("float32") / 4
    t[rng.random(n) < 0.2] = np.nan
    d = rng.normal(size=n)
    d[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame({
        "era": [f"{e:04d}" for e in era],
        "era_int": era.astype("int64"),
        "data_type": np.where(era < 45, "train", "validation"),
        "feature_a": rng.integers(0, 5, n).astype("int8"),
        "feature_b": rng.integers(0, 5, n).astype("int8"),
        "feature_f": f,
        "small": rng.integers(-30000, 30000, n).astype("int16"),
        "big": rng.integers(-2**40, 2**40, n).astype("int64"),
        "flag": rng.random(n) < 0.3,
        "dbl": d,
        "target": t,
    }, index=pd.Index([f"n{i:08x}{rng.integers(0, 1 << 30):x}" for i in range(n)], name="id"))
    table = pa.Table.from_pandas(df)
    # Fixed-width types: a 20-digit decimal and a float16 (FIXED_LEN_BYTE_ARRAY), 6-byte ids, INT96 timestamps.
    import decimal
    valid = rng.random(n) > 0.1
    unscaled = rng.integers(-2**62, 2**62, n)
    table = table.append_column("dec", pa.array(
        [decimal.Decimal(int(u) * 1000 + 7).scaleb(-4) if ok else None for u, ok in zip(unscaled, valid)],
        pa.decimal128(24, 4)))
    table = table.append_column("half", pa.array(
        np.where(valid, rng.normal(scale=100, size=n), np.nan).astype("float16"), pa.float16(), mask=~valid))
    table = table.append_column("fixed", pa.array([rng.bytes(6) for _ in range(n)], pa.binary(6)))
    table = table.append_column("ts", pa.array(
        rng.integers(-2**62, 2**62, n) // 1000 * 1000, pa.timestamp("ns")))
    options = {
        "snappy": {}, "zstd": {"compression": "zstd"}, "gzip": {"compression": "gzip"},
        "none": {"compression": "none"}, "lz4_raw": {"compression": "lz4"}, "row_groups": {"row_group_size": 700},
        "no_dictionary": {"use_dictionary": False}, "page_v2": {"data_page_version": "2.0"},
        "page_v2_zstd": {"data_page_version": "2.0", "compression": "zstd"},
        "small_pages": {"data_page_size": 512, "write_batch_size": 64, "row_group_size": 1000},
        "delta": {"use_dictionary": False, "data_page_size": 4096, "column_encoding": {
            c: "DELTA_BINARY_PACKED" for c in ("era_int", "feature_a", "feature_b", "small", "big")}},
        "byte_stream_split": {"use_dictionary": False, "data_page_size": 4096, "column_encoding": {
            c: "BYTE_STREAM_SPLIT" for c in ("era_int", "feature_f", "big", "dbl", "target")}},
        "delta_strings": {"use_dictionary": False, "data_page_size": 4096, "column_encoding": {
            "era": "DELTA_BYTE_ARRAY", "id": "DELTA_BYTE_ARRAY", "data_type": "DELTA_LENGTH_BYTE_ARRAY"}},
        "brotli": {"compression": "brotli"},
        "fixed_width_split": {"use_dictionary": False, "data_page_size": 4096, "column_encoding": {
            c: "BYTE_STREAM_SPLIT" for c in ("dec", "half", "fixed")}},
    }
    expected = {}
    for name, kw in options.items():
        path = f"{out}/{name}.parquet"
        pq.write_table(table, path, use_deprecated_int96_timestamps=True, **kw)
        back = pq.read_table(path)
        cols = {}
        for c in back.column_names:
            column = back.column(c)
            if pa.types.is_timestamp(column.type):
                column = column.cast(pa.int64())
            values = column.to_pylist()
            # Floats (float16 and decimals too) as repr strings: Swift's Double(String) rounds them exactly,
            # JSON number parsing may not. Fixed-size binary as hex.
            if pa.types.is_decimal(column.type) or pa.types.is_float16(column.type):
                values = [None if v is None else float(v) for v in values]
            if pa.types.is_fixed_size_binary(column.type):
                values = [None if v is None else v.hex() for v in values]
            cols[c] = [repr(v) if isinstance(v, float) else v for v in values]
        expected[name] = cols
    json.dump(expected, open(f"{out}/expected.json", "w"))
    """#
}
