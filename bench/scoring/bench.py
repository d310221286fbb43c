"""Scoring: `signal-miner score` vs numerai-tools on the same data, in one run.

600 eras x 5000 rows; corr + MMC + FNC on 42 features. Ours is timed end to end (the command's wall time:
reading three Parquet files, aligning ids, scoring); numerai-tools is timed on the scoring loop alone
(data already in pandas). Both must agree per era to 1e-9.
Usage: python3 bench.py SIGNAL_MINER_BINARY [--eras 600] [--rows 5000]
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np
import pandas as pd
from numerai_tools.scoring import correlation_contribution, feature_neutral_corr, numerai_corr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=600)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    E, N, F = args.eras, args.rows, 42
    work = tempfile.mkdtemp(prefix="scoring-bench-")
    rng = np.random.default_rng(1)
    n = E * N
    feats = rng.integers(0, 5, (n, F), dtype=np.int8)
    signal = feats[:, 0] * 0.05 - feats[:, 1] * 0.03 + rng.normal(size=n)
    target = np.clip(np.round((signal + rng.normal(size=n)) * 0.8 + 2) / 4, 0, 1)
    ids = [f"n{i:012x}" for i in range(n)]
    df = pd.DataFrame(feats, columns=[f"feature_{j:02d}" for j in range(F)], index=pd.Index(ids, name="id"))
    df.insert(0, "era", np.repeat([f"{e + 1:04d}" for e in range(E)], N))
    df["target"] = target
    df.to_parquet(f"{work}/data.parquet")
    preds = pd.DataFrame({"prediction": signal + rng.normal(size=n)}, index=df.index)
    preds.to_parquet(f"{work}/preds.parquet")
    meta = pd.DataFrame({"numerai_meta_model": signal + rng.normal(size=n) * 2}, index=df.index)
    meta.to_parquet(f"{work}/meta.parquet")
    features = list(df.columns[1 : F + 1])
    json.dump({"feature_sets": {"small": features}, "targets": ["target"]}, open(f"{work}/features.json", "w"))

    start = time.perf_counter()
    out = subprocess.run(
        [args.binary, "score", "--predictions", f"{work}/preds.parquet", "--data", f"{work}/data.parquet",
         "--meta-model", f"{work}/meta.parquet", "--features-json", f"{work}/features.json", "--feature-set", "small",
         "--json"], capture_output=True, text=True, check=True).stdout
    ours = time.perf_counter() - start
    per_era = json.loads(out)["per_era"]

    start = time.perf_counter()
    worst = 0.0
    for era, g in df.assign(prediction=preds.prediction, meta=meta.numerai_meta_model).groupby("era"):
        p = g[["prediction"]]
        corr = numerai_corr(p, g.target)["prediction"]
        mmc = correlation_contribution(p, g.meta, g.target)["prediction"]
        fnc = feature_neutral_corr(p, g[features].astype(float), g.target)["prediction"]
        mine = per_era[era]
        worst = max(worst, abs(mine["corr"] - corr), abs(mine["mmc"] - mmc), abs(mine["fnc"] - fnc))
    theirs = time.perf_counter() - start
    print(f"{E} eras x {N} rows, {F} features: corr + MMC + FNC")
    print(f"ours (end to end, incl. reading Parquet): {ours:.2f} s; numerai-tools (scoring only): {theirs:.2f} s; ratio {ours / theirs:.3f}x")
    print(f"largest per-era difference: {worst:.2e}")


if __name__ == "__main__":
    main()
