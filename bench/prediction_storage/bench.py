"""Where out-of-fold predictions live: SQLite blobs (what a study does) vs a memory-mapped float16 sidecar (what
the Python Signal Miner does), measured with the same crash protocol: each finished split is made durable before
the next starts (SQLite: one WAL transaction that also marks the split done, synchronous=FULL as in a study;
sidecar: write the values, flush the map, fsync, then record "done" in a small SQLite table). Two sidecar layouts:
rows × trials (the original's: a trial is a column, so storing one touches every page of the file) and
trials × rows (a trial is a contiguous block).

Usage: python3 bench.py [--rows 150000] [--trials 200] [--splits 2]
Prints seconds to store every split, seconds to read every prediction back (as `results` does), and file sizes.
"""
import argparse, os, sqlite3, tempfile, time

import numpy as np


def sqlite_blobs(path, predictions):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE split_run (trial INTEGER, split INTEGER, status TEXT, predictions BLOB, PRIMARY KEY (trial, split))")
    start = time.perf_counter()
    for (trial, split), p in predictions.items():
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO split_run VALUES (?, ?, 'done', ?)", (trial, split, p.tobytes()))
        db.execute("COMMIT")
    write = time.perf_counter() - start
    db.close()
    start = time.perf_counter()
    db = sqlite3.connect(path)
    total = 0.0
    for (blob,) in db.execute("SELECT predictions FROM split_run ORDER BY trial, split"):
        total += float(np.frombuffer(blob, dtype=np.float16)[0])
    read = time.perf_counter() - start
    db.close()
    return write, read, os.path.getsize(path) + (os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0)


def memmap_sidecar(directory, predictions, rows, trials, splits, trial_major):
    status = sqlite3.connect(f"{directory}/status{int(trial_major)}.sqlite", isolation_level=None)
    status.execute("PRAGMA journal_mode=WAL")
    status.execute("PRAGMA synchronous=FULL")
    status.execute("CREATE TABLE split_run (trial INTEGER, split INTEGER, status TEXT, PRIMARY KEY (trial, split))")
    directory = f"{directory}/{'trial_major' if trial_major else 'row_major'}"
    os.makedirs(directory)
    maps = [np.lib.format.open_memmap(f"{directory}/oof{s}.npy", mode="w+", dtype=np.float16,
                                      shape=(trials, rows[s]) if trial_major else (rows[s], trials))
            for s in range(splits)]
    start = time.perf_counter()
    for (trial, split), p in predictions.items():
        if trial_major:
            maps[split][trial, :] = p
        else:
            maps[split][:, trial] = p
        maps[split].flush()
        fd = os.open(f"{directory}/oof{split}.npy", os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        status.execute("INSERT INTO split_run VALUES (?, ?, 'done')", (trial, split))
    write = time.perf_counter() - start
    del maps
    start = time.perf_counter()
    total = 0.0
    for s in range(splits):
        m = np.load(f"{directory}/oof{s}.npy", mmap_mode="r")
        for t in range(trials):
            total += float(np.array(m[t, :] if trial_major else m[:, t])[0])
    read = time.perf_counter() - start
    size = sum(os.path.getsize(f"{directory}/oof{s}.npy") for s in range(splits))
    return write, read, size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--splits", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = [args.rows] * args.splits
    predictions = {(t, s): rng.random(rows[s]).astype(np.float16) for t in range(args.trials) for s in range(args.splits)}
    work = tempfile.mkdtemp(prefix="prediction-storage-")
    w1, r1, z1 = sqlite_blobs(f"{work}/study.sqlite", predictions)
    n = len(predictions)
    print(f"{n} splits x {args.rows} rows of float16 predictions, each split durable before the next")
    print(f"SQLite blobs:                  store {w1:.2f} s ({w1 / n * 1000:.2f} ms/split), read all {r1:.2f} s, {z1 / 1e6:.0f} MB")
    for trial_major in (False, True):
        w2, r2, z2 = memmap_sidecar(work, predictions, rows, args.trials, args.splits, trial_major)
        name = "memmap sidecar, trials x rows" if trial_major else "memmap sidecar, rows x trials"
        print(f"{name}: store {w2:.2f} s ({w2 / n * 1000:.2f} ms/split), read all {r2:.2f} s, {z2 / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
