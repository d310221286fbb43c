import Foundation
import TestSupport

/// Parquet files with nested columns written by pyarrow — data pages v1 and v2, dictionary or PLAIN, one
/// or many pages and row groups, compressed or not — with pyarrow's reading of each top-level field as JSON (the mapping of
/// `ParquetTestingCorpus.nestedPython`), written once per test run.
enum NestedFixtures {
  static let variants = ["v1", "v2", "small_pages", "uncompressed"]

  /// The directory holding `<variant>.parquet` and `expected.json`.
  static let directory: Result<String, any Error> = Result {
    try PythonPeer.require(modules: ["pyarrow"], packages: ["pyarrow"])
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nested-fixtures-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try PythonPeer.run(script: ParquetTestingCorpus.nestedPython + "\n" + script, arguments: [dir.path])
    return dir.path
  }

  /// pyarrow's values per variant and field.
  static func expected() throws -> [String: [String: [Any]]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: try directory.get() + "/expected.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: [String: [Any]]]
  }

  static let script = #"""
    import json, sys, random
    import pyarrow as pa, pyarrow.parquet as pq
    out = sys.argv[1]
    rng = random.Random(11)
    n = 3000

    def maybe(p, make):
        return None if rng.random() < p else make()

    def small_list(make, longest=4):
        return [make() for _ in range(rng.randrange(longest + 1))]

    words = ["era", "target", "feature", "", "naïve", "id"]
    table = pa.table({
        "row": pa.array(range(n), pa.int32()),
        "ints": pa.array([maybe(0.1, lambda: small_list(lambda: maybe(0.2, lambda: rng.randrange(-2**40, 2**40))))
                          for _ in range(n)], pa.list_(pa.int64())),
        "record": pa.array([maybe(0.1, lambda: {
                                "a": maybe(0.2, lambda: rng.randrange(-1000, 1000)),
                                "b": maybe(0.2, lambda: small_list(lambda: maybe(0.2, lambda: rng.choice(words))))})
                            for _ in range(n)], pa.struct([("a", pa.int32()), ("b", pa.list_(pa.string()))])),
        "scores": pa.array([maybe(0.1, lambda: [(rng.choice(words), maybe(0.2, lambda: rng.random() - 0.5))
                                                for _ in range(rng.randrange(4))])
                            for _ in range(n)], pa.map_(pa.string(), pa.float64())),
        "grid": pa.array([maybe(0.1, lambda: small_list(lambda: maybe(0.2, lambda: small_list(
                              lambda: maybe(0.2, lambda: rng.randrange(-50, 50)), 3)), 3))
                          for _ in range(n)], pa.list_(pa.list_(pa.int32()))),
    })
    options = {
        "v1": {},
        "v2": {"data_page_version": "2.0", "compression": "zstd", "use_dictionary": False},
        "small_pages": {"data_page_size": 256, "write_batch_size": 40, "row_group_size": 1000},
        "uncompressed": {"compression": "none", "use_dictionary": False},
    }
    expected = {}
    for name, kw in options.items():
        path = f"{out}/{name}.parquet"
        pq.write_table(table, path, **kw)
        back = pq.read_table(path)
        expected[name] = {c: nested_values(back.column(c)) for c in back.column_names if c != "row"}
    json.dump(expected, open(f"{out}/expected.json", "w"))
    """#
}
