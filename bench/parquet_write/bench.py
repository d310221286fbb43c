"""Writer settings compared on the same data: sizes and read times relative to Snappy.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--eras 100] [--rows-per-era 2000] [--features 500]
Per setting: the train file's size, our full read (`data info`, every column) and pyarrow's `read_table`; then a
predictions file (`predict --out p.parquet`, one double per row) with the same settings: size and pyarrow's read.
"""
import argparse, os, subprocess, sys, tempfile, time

import pyarrow.parquet as pq

SETTINGS = [
    ("snappy", []),
    ("zstd-1", ["--compression", "zstd", "--zstd-level", "1"]),
    ("zstd-3", ["--compression", "zstd", "--zstd-level", "3"]),
    ("zstd-9", ["--compression", "zstd", "--zstd-level", "9"]),
    ("snappy+split", ["--float-encoding", "byte-stream-split"]),
    ("zstd-3+split", ["--compression", "zstd", "--zstd-level", "3", "--float-encoding", "byte-stream-split"]),
]


def run(command):
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {result.stderr}")
    return time.perf_counter() - start


def best_of(n, f):
    return min(f() for _ in range(n))


def pyarrow_read(path):
    start = time.perf_counter()
    pq.read_table(path)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=100)
    parser.add_argument("--rows-per-era", type=int, default=2000)
    parser.add_argument("--features", type=int, default=500)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="parquet-write-bench-")
    shape = ["--eras", str(args.eras), "--rows-per-era", str(args.rows_per_era), "--features", str(args.features),
             "--validation-eras", "10"]
    base = os.path.join(work, "base")
    run([args.binary, "data", "synth", "--out", base] + shape)
    run([args.binary, "train", "--data", base + "_train.parquet", "--model", os.path.join(work, "m.smm"),
         "--param", "num_iterations=50"])
    rows = {}
    for name, flags in SETTINGS:
        prefix = os.path.join(work, name)
        write = run([args.binary, "data", "synth", "--out", prefix] + shape + flags)
        train = prefix + "_train.parquet"
        ours = best_of(3, lambda: run([args.binary, "data", "info", train]))
        theirs = best_of(3, lambda: pyarrow_read(train))
        predictions = os.path.join(work, f"p-{name}.parquet")
        run([args.binary, "predict", "--model", os.path.join(work, "m.smm"), "--data", base + "_train.parquet",
             "--out", predictions] + flags)
        rows[name] = (os.path.getsize(train), write, ours, theirs, os.path.getsize(predictions),
                      best_of(3, lambda: pyarrow_read(predictions)))
    rows_total = pq.ParquetFile(os.path.join(work, "snappy_train.parquet")).metadata.num_rows
    print(f"train file: {rows_total} rows x {args.features} int8 features + 2 float targets + id, era; "
          f"predictions: {rows_total} doubles + id")
    snappy = rows["snappy"]
    print(f"{'setting':14} {'train MB':>9} {'vs snappy':>9} {'synth s':>8} {'ours read s':>11} {'pyarrow read s':>14}"
          f" {'preds MB':>9} {'vs snappy':>9} {'pyarrow read s':>14}")
    for name, (size, write, ours, theirs, psize, pread) in rows.items():
        print(f"{name:14} {size / 1e6:9.2f} {size / snappy[0]:9.3f} {write:8.2f} {ours:11.3f} {theirs:14.3f}"
              f" {psize / 1e6:9.3f} {psize / snappy[4]:9.3f} {pread:14.4f}")


if __name__ == "__main__":
    main()
