"""Parquet → int8 feature matrix: SignalMiner's native reader vs pyarrow, on the same file, in one run.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--rows 300000] [--features 1000]
Prints the time ratio (ours / pyarrow), both peak memories against the matrix's bytes, and the cache's
open time per GB.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def child_peak_rss(command):
    """Runs a command under /usr/bin/time; returns (seconds, peak RSS bytes of that command, stdout).

    /usr/bin/time measures the command alone; measuring through this Python process's own fork would count
    the benchmark's memory too.
    """
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command} failed: {result.stderr}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb * 1024, result.stdout


PYARROW_READ = r"""
import sys, time, numpy as np, pyarrow.parquet as pq
path, n = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
names = [f"feature_{j:04d}" for j in range(n)]
table = pq.read_table(path, columns=names)
matrix = np.empty((table.num_rows, n), dtype=np.int8, order="F")
for j, name in enumerate(names):
    matrix[:, j] = table.column(name).to_numpy()
del table
print(time.perf_counter() - start, int(matrix.sum(dtype=np.int64)))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--features", type=int, default=1000)
    args = parser.parse_args()
    rows, n = args.rows, args.features
    work = tempfile.mkdtemp(prefix="parquet-bench-")
    path = os.path.join(work, "train.parquet")
    rng = np.random.default_rng(0)
    eras = np.repeat(np.arange(1, rows // 5000 + 2), 5000)[:rows]
    columns = {"era": pa.array([f"{e:04d}" for e in eras])}
    for j in range(n):
        columns[f"feature_{j:04d}"] = pa.array(rng.integers(0, 5, rows, dtype=np.int8))
    columns["target"] = pa.array((rng.integers(0, 5, rows) / 4).astype(np.float32))
    columns["id"] = pa.array([f"n{i:015x}" for i in range(rows)])
    pq.write_table(pa.table(columns), path)
    matrix_bytes = rows * n
    print(f"file: {rows} rows x {n} int8 features, {os.path.getsize(path) / 1e6:.0f} MB (pyarrow, snappy), matrix {matrix_bytes / 1e6:.0f} MB")

    best_ours = best_theirs = best_import = float("inf")
    peak_ours = peak_theirs = peak_import = 0
    for _ in range(3):
        # Ours: the load every --data command does (data info reports its time), then the streaming import.
        wall, peak, out = child_peak_rss([args.binary, "data", "info", path, "--json", "--threads", "2"])
        best_ours = min(best_ours, json.loads(out)["load_seconds"])
        peak_ours = max(peak_ours, peak)
        cache = os.path.join(work, "train.smd")
        wall, peak, out = child_peak_rss([args.binary, "data", "import", path, "--out", cache, "--threads", "2"])
        best_import = min(best_import, wall)
        peak_import = max(peak_import, peak)
        wall, peak, out = child_peak_rss([sys.executable, "-c", PYARROW_READ, path, str(n)])
        best_theirs = min(best_theirs, float(out.split()[0]))
        peak_theirs = max(peak_theirs, peak)
    _, _, out = child_peak_rss([args.binary, "data", "info", cache, "--json"])
    open_seconds = json.loads(out)["load_seconds"]
    cache_gb = os.path.getsize(cache) / 1e9
    print(f"read into the int8 matrix (best of 3): ours {best_ours:.3f} s, pyarrow {best_theirs:.3f} s, ratio {best_ours / best_theirs:.2f}x")
    print(f"peak memory: ours {peak_ours / 1e6:.0f} MB = {peak_ours / matrix_bytes:.2f}x the matrix; pyarrow {peak_theirs / 1e6:.0f} MB = {peak_theirs / matrix_bytes:.2f}x; ratio {peak_ours / peak_theirs:.2f}x")
    print(f"data import (read and write the cache, best of 3): {best_import:.3f} s wall, peak {peak_import / 1e6:.0f} MB = {peak_import / matrix_bytes:.2f}x the matrix")
    print(f"cache open: {open_seconds:.4f} s for {cache_gb:.3f} GB = {open_seconds / cache_gb:.4f} s/GB")


if __name__ == "__main__":
    main()
