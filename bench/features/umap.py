"""UMAP: `signal-miner features fit --method umap` vs umap-learn on the same Numerai-shaped Parquet file.

Usage: python3 umap.py SIGNAL_MINER_BINARY [--eras 20] [--rows-per-era 500] [--features 100] [--components 2]
           [--trust-rows 2000] [--fit-rows 20000]
n_neighbors 15, min_dist 0. umap-learn fits every row. Ours fits a seeded sample of at most --fit-rows rows
(`features fit`, its default 20 000) and places every other row against that embedding (`features apply
--keep-float`, which writes each row's coordinates); ours is timed as both commands together. Times and peak
RSS (/usr/bin/time) of each whole process: ours reads the Parquet into int8 columns; umap-learn reads it with
pyarrow into float32 and fits with numba on every core (no random_state, its fastest mode; a first fit on 4500
rows compiles numba's JIT and is timed apart). Trustworthiness (scikit-learn's, k = 10) of both embeddings on
the same seeded sample of --trust-rows rows.
"""
import argparse, json, os, subprocess, sys, tempfile, time

UMAP_LEARN = r"""
import json, sys, time, numpy as np, pyarrow.parquet as pq, umap
path, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = pq.read_table(path)
names = [c for c in t.column_names if c.startswith("feature_")]
x = np.column_stack([t.column(c).to_numpy().astype(np.float32) for c in names])
del t
start = time.perf_counter()
umap.UMAP(n_neighbors=15, min_dist=0.0, n_components=k).fit_transform(x[:4500])  # numba JIT (its NN-descent path), timed apart
jit = time.perf_counter() - start
start = time.perf_counter()
embedding = umap.UMAP(n_neighbors=15, min_dist=0.0, n_components=k).fit_transform(x)
np.save(out, embedding)
print(json.dumps({"fit": time.perf_counter() - start, "jit": jit}))
"""

TRUST = r"""
import sys, numpy as np, pyarrow.parquet as pq
from sklearn.manifold import trustworthiness
path, ours, theirs, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t = pq.read_table(path)
names = [c for c in t.column_names if c.startswith("feature_")]
x = np.column_stack([t.column(c).to_numpy().astype(np.float64) for c in names])
rows = np.sort(np.random.default_rng(0).choice(x.shape[0], size=min(n, x.shape[0]), replace=False))
a, b = np.load(ours)[rows], np.load(theirs)[rows]
print(trustworthiness(x[rows], a, n_neighbors=10), trustworthiness(x[rows], b, n_neighbors=10))
"""


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command} failed: {result.stderr}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) * 1024, result.stdout


def our_embedding(applied_path, out_path):
    """Every row's coordinates from `features apply --keep-float`'s Parquet file, as .npy."""
    import numpy as np, pyarrow.parquet as pq
    t = pq.read_table(applied_path)
    names = sorted(c for c in t.column_names if c.startswith("float_feature_umap_"))
    np.save(out_path, np.column_stack([t.column(c).to_numpy() for c in names]))


def install_peers():
    """pip-installs the peers this script runs when they are missing."""
    try:
        import numpy, pyarrow, sklearn, umap  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "numpy",
                        "pyarrow", "scikit-learn", "umap-learn"], check=True)


def main():
    install_peers()
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=20)
    parser.add_argument("--rows-per-era", type=int, default=500)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--components", type=int, default=2)
    parser.add_argument("--trust-rows", type=int, default=2000)
    parser.add_argument("--fit-rows", type=int, default=20000)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="umap-bench-")
    prefix = os.path.join(work, "s")
    subprocess.run([args.binary, "data", "synth", "--out", prefix, "--eras", str(args.eras + 2), "--rows-per-era",
                    str(args.rows_per_era), "--features", str(args.features), "--validation-eras", "2"],
                   check=True, capture_output=True)
    train = prefix + "_train.parquet"
    rows = args.eras * args.rows_per_era
    print(f"data: {rows} rows x {args.features} int8 features; {args.components} components, 15 neighbours, min_dist 0")
    stage = os.path.join(work, "umap.smt")
    fit_s, fit_rss, _ = timed([args.binary, "features", "fit", "--method", "umap", "--components",
                               str(args.components), "--fit-rows", str(args.fit_rows), "--data", train,
                               "--out", stage, "--threads", "2"])
    applied = os.path.join(work, "applied.parquet")
    apply_s, apply_rss, _ = timed([args.binary, "features", "apply", "--transform", stage, "--keep-float", "--data",
                                   train, "--out", applied, "--threads", "2"])
    ours_s, ours_rss = fit_s + apply_s, max(fit_rss, apply_rss)
    our_embedding(applied, os.path.join(work, "ours.npy"))
    print(f"ours: fit on {min(rows, args.fit_rows)} rows {fit_s:.2f} s, {fit_rss / 2**20:.0f} MiB; placing the other "
          f"{max(0, rows - args.fit_rows)} rows (apply) {apply_s:.2f} s, {apply_rss / 2**20:.0f} MiB", flush=True)
    theirs_s, theirs_rss, out = timed([sys.executable, "-c", UMAP_LEARN, train, str(args.components),
                                       os.path.join(work, "theirs.npy")])
    timing = json.loads(out)
    trust = subprocess.run([sys.executable, "-c", TRUST, train, os.path.join(work, "ours.npy"),
                            os.path.join(work, "theirs.npy"), str(args.trust_rows)],
                           check=True, capture_output=True, text=True).stdout.split()
    print(f"umap: ours {ours_s:.2f} s, {ours_rss / 2**20:.0f} MiB | umap-learn {theirs_s:.2f} s (JIT fit on 4500 rows {timing['jit']:.2f} s, then fit {timing['fit']:.2f} s), "
          f"{theirs_rss / 2**20:.0f} MiB | time {ours_s / theirs_s:.3f}x, memory {ours_rss / theirs_rss:.3f}x | "
          f"trustworthiness (k=10, {min(args.trust_rows, rows)} rows) ours {float(trust[0]):.4f}, "
          f"umap-learn {float(trust[1]):.4f}")


if __name__ == "__main__":
    main()
