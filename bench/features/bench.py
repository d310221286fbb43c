"""PCA and factor analysis: `signal-miner features fit` vs scikit-learn on the same Numerai-shaped file.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--eras 100] [--rows-per-era 5000] [--features 1000] [--components 64]
Times and peak RSS (/usr/bin/time) of each whole process: ours reads the Parquet into int8 columns and fits;
scikit-learn's reads it with pyarrow into a float64 matrix (what PCA needs) and fits. Prints the ratios and how
far apart the explained variances are.
"""
import argparse, json, os, subprocess, sys, tempfile, time

SKLEARN = r"""
import json, sys, time, numpy as np, pyarrow.parquet as pq
from sklearn.decomposition import PCA, FactorAnalysis
path, method, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = pq.read_table(path)
names = [c for c in t.column_names if c.startswith("feature_")]
x = np.column_stack([t.column(c).to_numpy().astype(np.float64) for c in names])
del t
start = time.perf_counter()
if method == "pca":
    m = PCA(n_components=k).fit(x)
    out = m.explained_variance_.tolist()
else:
    m = FactorAnalysis(n_components=k, svd_method="lapack").fit(x)
    out = [m.loglike_[-1]]
print(json.dumps({"fit": time.perf_counter() - start, "values": out}))
"""


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command} failed: {result.stderr}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) * 1024, result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=100)
    parser.add_argument("--rows-per-era", type=int, default=5000)
    parser.add_argument("--features", type=int, default=1000)
    parser.add_argument("--components", type=int, default=64)
    parser.add_argument("--methods", default="pca")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="features-bench-")
    prefix = os.path.join(work, "s")
    subprocess.run([args.binary, "data", "synth", "--out", prefix, "--eras", str(args.eras + 2), "--rows-per-era",
                    str(args.rows_per_era), "--features", str(args.features), "--validation-eras", "2"],
                   check=True, capture_output=True)
    train = prefix + "_train.parquet"
    rows = args.eras * args.rows_per_era
    print(f"data: {rows} rows x {args.features} int8 features; {args.components} components")
    for method in args.methods.split(","):
        ours_s, ours_rss, _ = timed([args.binary, "features", "fit", "--method", method, "--components",
                                     str(args.components), "--data", train, "--out", os.path.join(work, f"{method}.smt"),
                                     "--threads", "2"])
        saved = json.load(open(os.path.join(work, f"{method}.smt")))["transform"]
        theirs_s, theirs_rss, out = timed([sys.executable, "-c", SKLEARN, train, method, str(args.components)])
        sk = json.loads(out)
        ours_values = saved["explainedVariance"] if method == "pca" else [saved["logLikelihoods"][-1]]
        gap = max(abs(a - b) / abs(b) for a, b in zip(ours_values, sk["values"]))
        print(f"{method}: ours {ours_s:.2f} s, {ours_rss / 2**20:.0f} MiB | scikit-learn {theirs_s:.2f} s "
              f"(fit {sk['fit']:.2f} s), {theirs_rss / 2**20:.0f} MiB | time {ours_s / theirs_s:.3f}x, "
              f"memory {ours_rss / theirs_rss:.3f}x | largest relative gap in "
              f"{'explained variance' if method == 'pca' else 'log-likelihood'} {gap:.2e}")


if __name__ == "__main__":
    main()
