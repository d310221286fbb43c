"""GBDT: `signal-miner train/predict` vs LightGBM, same data, same parameters, 2 threads, one run.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--rows 180000] [--features 300] [--model example|deep] [--trees N]
Prints fit-time, predict-time and peak-memory ratios (ours / LightGBM) and each side's mean per-era
validation corr. Peak memory is each process's maximum RSS (/usr/bin/time), LightGBM's including pandas.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np
import pandas as pd

MODELS = {
    "example": dict(n_estimators=2000, learning_rate=0.01, max_depth=5, num_leaves=15, colsample_bytree=0.1, max_bin=5),
    "deep": dict(n_estimators=300, learning_rate=0.001, max_depth=10, num_leaves=1024, colsample_bytree=0.1,
                 min_child_samples=10000, max_bin=5),
}

LIGHTGBM = r"""
import sys, json, time, numpy as np, pandas as pd, lightgbm as lgb
train, valid, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
df = pd.read_parquet(train); v = pd.read_parquet(valid)
feats = [c for c in df.columns if c.startswith("feature")]
df = df[df.target.notna()]
start = time.perf_counter()
model = lgb.LGBMRegressor(objective="regression", num_threads=2, verbose=-1, **params).fit(df[feats], df.target)
fit = time.perf_counter() - start
start = time.perf_counter()
pred = model.predict(v[feats])
predict = time.perf_counter() - start
v["prediction"] = pred
v = v[v.target.notna()]
corr = v.groupby("era").apply(lambda g: np.corrcoef(g.prediction, g.target)[0, 1]).mean()
print(json.dumps({"fit": fit, "predict": predict, "corr": float(corr)}))
"""


def timed(command):
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {result.stderr}")
    return result.stdout, result.stderr, int(result.stderr.strip().splitlines()[-1]) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--rows", type=int, default=180_000)
    parser.add_argument("--features", type=int, default=300)
    parser.add_argument("--model", default="example", choices=sorted(MODELS))
    parser.add_argument("--trees", type=int)
    args = parser.parse_args()
    params = dict(MODELS[args.model])
    if args.trees:
        params["n_estimators"] = args.trees
    work = tempfile.mkdtemp(prefix="gbdt-bench-")
    eras = max(10, args.rows // 1000)
    per_era = args.rows // eras
    prefix = f"{work}/data"
    subprocess.run([args.binary, "data", "synth", "--out", prefix, "--eras", str(eras + eras // 5), "--rows-per-era",
                    str(per_era), "--features", str(args.features), "--validation-eras", str(eras // 5), "--targets", "1"],
                   check=True, capture_output=True)
    train, valid = f"{prefix}_train.parquet", f"{prefix}_validation.parquet"
    print(f"data: {eras} train eras x {per_era} rows = {eras * per_era} rows, {args.features} features; model {args.model}: {params}")

    out, _, theirs_peak = timed([sys.executable, "-c", LIGHTGBM, train, valid, json.dumps(params)])
    theirs = json.loads(out)
    pairs = [f"{k}={v}" for k, v in params.items()]
    ours_args = [args.binary, "train", "--data", train, "--model", f"{work}/model.bin", "--threads", "2"]
    for p in pairs:
        ours_args += ["--param", p]
    out, _, ours_peak = timed(ours_args)
    ours_fit = float(out.split(" trees, ")[1].split(" s")[0])
    _, err, _ = timed([args.binary, "predict", "--model", f"{work}/model.bin", "--data", valid, "--out", f"{work}/pred.csv", "--threads", "2"])
    ours_predict = float(err.split(" in ")[1].split(" s")[0])
    v = pd.read_parquet(valid)
    v["prediction"] = pd.read_csv(f"{work}/pred.csv", index_col="id")["prediction"]
    v = v[v.target.notna()]
    ours_corr = v.groupby("era").apply(lambda g: np.corrcoef(g.prediction, g.target)[0, 1]).mean()
    print(f"fit:     ours {ours_fit:.2f} s, LightGBM {theirs['fit']:.2f} s, ratio {ours_fit / theirs['fit']:.2f}x")
    print(f"predict: ours {ours_predict:.3f} s, LightGBM {theirs['predict']:.3f} s, ratio {ours_predict / theirs['predict']:.2f}x")
    print(f"peak memory (train process): ours {ours_peak / 1e6:.0f} MB, LightGBM {theirs_peak / 1e6:.0f} MB, ratio {ours_peak / theirs_peak:.2f}x")
    print(f"validation mean per-era corr: ours {ours_corr:.4f}, LightGBM {theirs['corr']:.4f}")


if __name__ == "__main__":
    main()
