"""Mining throughput: `signal-miner mine` vs the Python Signal Miner's loop (LightGBM in a multiprocessing pool,
pandas data, 2-split era CV with gap 12), the same 50 configurations, 2 cores, one run.

Ours mines first; the Python side then trains exactly the configurations our study stored (same data, same
splits). Prints configurations per hour for each side, their ratio, and peak memory (sum of the process tree's
resident memory, polled every 0.1 s).
Usage: python3 bench.py SIGNAL_MINER_BINARY [--configs 50] [--eras 200] [--rows-per-era 500] [--features 100]
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time

import psutil

PYTHON_LOOP = r"""
import json, sys, time, numpy as np, pandas as pd, lightgbm as lgb
from multiprocessing import Pool
from sklearn.model_selection import TimeSeriesSplit
data_paths, configs_path = sys.argv[1:3], sys.argv[3]
data = pd.concat([pd.read_parquet(p) for p in data_paths])
features = [c for c in data.columns if c.startswith("feature")]
eras = np.array(sorted(data.era.unique()))
splits = list(TimeSeriesSplit(n_splits=2, max_train_size=100_000_000, gap=12).split(eras))
configs = json.load(open(configs_path))

def train(task):
    i, s = task
    cfg = dict(configs[i]); target = cfg.pop("target")
    tr, te = splits[s]
    train = data[data.era.isin(eras[tr]) & data[target].notna()]
    test = data[data.era.isin(eras[te])]
    model = lgb.LGBMRegressor(num_threads=1, verbose=-1, **cfg)
    model.fit(train[features], train[target])
    return i, s, model.predict(test[features]).astype(np.float16)

if __name__ == "__main__":
    start = time.perf_counter()
    with Pool(2) as pool:
        results = pool.map(train, [(i, s) for i in range(len(configs)) for s in range(len(splits))], chunksize=1)
    print(json.dumps({"seconds": time.perf_counter() - start, "tasks": len(results)}))
"""


def run_tracked(command):
    """Runs a command; returns (seconds, stdout, peak RSS of its process tree in bytes)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            total = sum(p.memory_info().rss for p in [root] + root.children(recursive=True))
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.1)
    out, err = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed: {err}")
    return time.perf_counter() - start, out, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--configs", type=int, default=50)
    parser.add_argument("--eras", type=int, default=200)
    parser.add_argument("--rows-per-era", type=int, default=500)
    parser.add_argument("--features", type=int, default=100)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="mining-bench-")
    subprocess.run([args.binary, "data", "synth", "--out", f"{work}/d", "--eras", str(args.eras), "--rows-per-era",
                    str(args.rows_per_era), "--features", str(args.features), "--validation-eras", str(args.eras // 4)],
                   check=True, capture_output=True)
    data = [f"{work}/d_train.parquet", f"{work}/d_validation.parquet"]
    space = {"n_estimators": {"linspace": [100, 1000, 10], "int": True}, "learning_rate": {"logspace": [0.003, 0.1, 12]},
             "num_leaves": [4, 8, 15, 31, 63], "max_depth": [3, 4, 5, 6, 8], "colsample_bytree": [0.05, 0.1, 0.2, 0.4],
             "min_child_samples": [10, 50, 200, 800], "reg_lambda": [0, 1, 10, 100, 1000], "max_bin": [3, 4, 5]}
    json.dump(space, open(f"{work}/space.json", "w"))
    # The benchmark is trained too on both sides: a small one, so that the 50 sampled configurations dominate.
    seconds, _, ours_peak = run_tracked([args.binary, "mine", "--study", f"{work}/s.sqlite", "--data", data[0], "--data",
                                         data[1], "--space", f"{work}/space.json", "--trials", str(args.configs - 1),
                                         "--jobs", "2", "--threads-per-job", "1", "--splits", "2", "--gap", "12",
                                         "--benchmark", "n_estimators=300"])
    rows = json.loads(subprocess.run([args.binary, "results", "--study", f"{work}/s.sqlite", "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    configs = []
    for r in sorted(rows, key=lambda r: r["id"]):
        cfg = {k: (int(v) if k in ("n_estimators", "num_leaves", "max_depth", "min_child_samples", "max_bin") else v)
               for k, v in r["config"].items()}
        cfg["target"] = r["target"]
        configs.append(cfg)
    json.dump(configs, open(f"{work}/configs.json", "w"))
    py_seconds, out, py_peak = run_tracked([sys.executable, "-c", PYTHON_LOOP, data[0], data[1], f"{work}/configs.json"])
    n = len(configs)
    ours_rate, py_rate = n / seconds * 3600, n / py_seconds * 3600
    print(f"{n} configurations x 2 splits on {args.eras * args.rows_per_era} rows x {args.features} features, 2 cores")
    print(f"ours: {seconds:.1f} s = {ours_rate:.0f} configs/h (incl. loading and scoring); Python loop: {py_seconds:.1f} s = {py_rate:.0f} configs/h")
    print(f"throughput ratio (ours / Python): {ours_rate / py_rate:.2f}x")
    print(f"peak memory: ours {ours_peak / 1e6:.0f} MB, Python {py_peak / 1e6:.0f} MB, ratio {ours_peak / py_peak:.2f}x")


if __name__ == "__main__":
    main()
