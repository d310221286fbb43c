"""Samplers judged on sealed eras, at equal CPU time: the measure issue 19 asks for.

For each data generator and seed: write the data, then for each sampler mine a study with the last --sealed eras
sealed (no split, reward, ranking or selection sees them), growing --trials in steps until the study's trained
seconds (the sum of its split runs' times, one thread each: CPU-seconds) reach --budget; then, on the sealed eras
(`holdout`, each model refit on every era before them):
  - top10:  the rank-averaged ensemble of the 10 best trials by whole-period CV Sharpe: sealed corr and Sharpe;
  - select: the ensemble of `select`'s diverse 20 (mean pairwise correlation ≤ 0.85): sealed Sharpe;
  - beaters: how many of the top 20 by CV Sharpe beat the benchmark's sealed corr and Sharpe;
  - top20 corr: the mean pairwise correlation of the top 20's out-of-fold predictions.
Then, per generator, each sampler's paired difference from uniform in top-10 sealed Sharpe over the seeds: the
per-seed differences, how many are positive (sign test), and a bootstrap 90 % interval of the mean.

Generators: `synth` (`signal-miner data synth`), `slow` (8 hidden factors per row, features noisy binned views of
two of them, the target a non-linear function whose weights drift by a slow random walk: validation predicts test
well) and `strong` (the same with fast drift and a regime flip of the interaction every 40 eras).

A sampler named NAME+pipelines (e.g. uniform+pipelines) mines the same space plus the pipeline dimensions
`features` (raw, raw+pca:8) and `augment` (none, cutout:0.1:1), at the same budget: issue 16's with-vs-without.

Usage: python3 sealed.py SIGNAL_MINER_BINARY [--generators slow:6,synth:3,strong:3] [--budget 60] [--sealed 40]
         [--samplers uniform,tpe,gfn] [--eras 200] [--rows-per-era 300] [--features 40]
"""
import argparse, json, os, random, sqlite3, statistics, subprocess, sys, tempfile, time
from math import comb

import numpy as np

SPACE = {"n_estimators": {"linspace": [50, 800, 16], "int": True}, "learning_rate": {"logspace": [0.005, 0.2, 12]},
         "num_leaves": [4, 8, 15, 31, 63], "max_depth": [3, 4, 5, 6, 8], "colsample_bytree": [0.05, 0.1, 0.2, 0.4, 0.7],
         "min_child_samples": [10, 50, 200, 800], "reg_lambda": [0, 1, 10, 100, 1000], "target": ["target"]}
# A sampler named NAME+pipelines searches the same space plus the pipeline dimensions (issue 16's measure).
PIPELINES = {"features": ["raw", "raw+pca:8"], "augment": ["none", "cutout:0.1:1"]}
SAMPLERS = {"uniform": ["--sampler", "uniform"], "tpe": ["--sampler", "tpe", "--batch", "8"],
            "gfn": ["--sampler", "gfn"], "gfn-diverse": ["--sampler", "gfn", "--diversity-pool", "8"],
            "hyperband": ["--sampler", "uniform", "--pruner", "hyperband"],
            "gfn-hyperband": ["--sampler", "gfn", "--pruner", "hyperband"]}


def run(*command):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed: {result.stderr.strip()}")
    return result.stdout


def factor_data(prefix, eras, rows_per_era, features, seed, drift, regime):
    """Writes PREFIX_train.parquet (every era, labelled): hidden factors, binned noisy features, a drifting target."""
    import pyarrow as pa, pyarrow.parquet as pq
    rng = np.random.default_rng(seed)
    k = 8
    pairs = rng.integers(0, k, size=(features, 2))
    loadings = rng.normal(size=(features, 2))
    weights = rng.normal(size=k)
    cols = {f"feature_{j:04d}": [] for j in range(features)}
    target, era_col, ids = [], [], []
    for e in range(eras):
        weights = weights + drift * rng.normal(size=k)
        sign = -1.0 if regime and (e // regime) % 2 else 1.0
        f = rng.normal(size=(rows_per_era, k))
        signal = 0.15 * (f @ weights) / np.sqrt(k) + sign * 0.25 * np.tanh(f[:, 0] * f[:, 1]) + 0.2 * (f[:, 2] ** 2 - 1)
        y = signal + rng.normal(size=rows_per_era) * 1.6
        order = np.argsort(np.argsort(y, kind="stable"), kind="stable") / rows_per_era
        target.append(np.select([order < .05, order < .25, order < .75, order < .95], [0, .25, .5, .75], 1.0))
        for j in range(features):
            x = loadings[j, 0] * f[:, pairs[j, 0]] + loadings[j, 1] * f[:, pairs[j, 1]] + rng.normal(size=rows_per_era)
            cols[f"feature_{j:04d}"].append((np.argsort(np.argsort(x, kind="stable"), kind="stable") * 5 // rows_per_era).astype(np.int8))
        era_col += [f"{e + 1:04d}"] * rows_per_era
        ids += [f"e{e}r{r}" for r in range(rows_per_era)]
    table = {"id": ids, "era": era_col, "data_type": ["train"] * len(ids)}
    table.update({name: np.concatenate(v) for name, v in cols.items()})
    table["target"] = np.concatenate(target).astype(np.float32)
    pq.write_table(pa.table(table), f"{prefix}_train.parquet")
    return [f"{prefix}_train.parquet"]


def make_data(binary, generator, prefix, seed, args):
    if generator == "synth":
        run(binary, "data", "synth", "--out", prefix, "--eras", args.eras, "--rows-per-era", args.rows_per_era,
            "--features", args.features, "--validation-eras", args.eras // 4, "--seed", seed, "--targets", 1)
        return [f"{prefix}_train.parquet", f"{prefix}_validation.parquet"]
    drift, regime = {"slow": (0.02, 0), "strong": (0.25, 40)}[generator]
    return factor_data(prefix, args.eras, args.rows_per_era, args.features, seed, drift, regime)


def mine(binary, study, data, sampler, seed, args, space):
    """Grows the study 8 trials at a time until its trained seconds reach the budget; returns them."""
    trials, seconds = 0, 0.0
    while seconds < args.budget:
        trials += 8
        run(binary, "mine", "--study", study, *[x for d in data for x in ("--data", d)],
            "--space", space.replace(".json", "-pipelines.json") if sampler.endswith("+pipelines") else space,
            *SAMPLERS[sampler.removesuffix("+pipelines")], "--trials", trials, "--jobs", args.jobs, "--splits", "2", "--gap", "4", "--seed", seed,
            "--sealed-eras", args.sealed)
        seconds = json.loads(run(binary, "progress", "--study", study, "--json"))["seconds_trained"]
    return seconds


def top20_correlation(study, ids):
    db = sqlite3.connect(study)
    preds = []
    for trial in ids:
        blobs = [np.frombuffer(b, dtype=np.float16).astype(float) for (b,) in
                 db.execute("SELECT predictions FROM split_run WHERE trial = ? ORDER BY split", (trial,))]
        p = np.concatenate(blobs)
        preds.append((p - p.mean()) / p.std())
    x = np.array(preds)
    c = x @ x.T / x.shape[1]
    return float((c.sum() - len(ids)) / (len(ids) * (len(ids) - 1)))


def measure(binary, study, data_args):
    rows = [r for r in json.loads(run(binary, "results", "--study", study, "--json"))
            if not r["is_benchmark"] and r.get("whole_sharpe") is not None and r.get("fidelity", 1) == 1]
    ranked = [r["id"] for r in sorted(rows, key=lambda r: -r["whole_sharpe"])]
    holdout = lambda ids, *extra: json.loads(run(binary, "holdout", "--study", study, "--trials", ",".join(map(str, ids)), *extra, "--json"))
    top10 = holdout(ranked[:10], "--ensemble")
    ensemble = next(s for s in top10 if s["name"].startswith("ensemble"))
    # `select` fails when no 20 candidates meet its correlation bar (few full-fidelity trials): no such ensemble.
    picked = subprocess.run([binary, "select", "--study", study, "--count", "20", "--json"], capture_output=True, text=True)
    chosen = json.loads(picked.stdout)["trials"] if picked.returncode == 0 else None
    selected = next(s for s in holdout(chosen, "--ensemble") if s["name"].startswith("ensemble")) if chosen else {"sharpe": float("nan")}
    members = [s for s in top10 + holdout(ranked[10:20]) if s["name"].startswith("trial ")]
    return dict(trials=len(rows), benchmark=top10[0]["sharpe"], top10_corr=ensemble["corr"], top10=ensemble["sharpe"],
                select=selected["sharpe"], beaters=sum(m["beats_benchmark"] for m in members),
                top20_corr=top20_correlation(study, ranked[:20]))


def paired(diffs, rng):
    wins = sum(d > 0 for d in diffs)
    n = len(diffs)
    p = min(1.0, 2 * sum(comb(n, k) for k in range(min(wins, n - wins) + 1)) / 2 ** n)
    means = sorted(statistics.mean(rng.choices(diffs, k=n)) for _ in range(4000))
    return wins, p, means[int(0.05 * len(means))], means[int(0.95 * len(means)) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--generators", default="slow:6,synth:3,strong:3")
    parser.add_argument("--samplers", default="uniform,tpe,gfn")
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("--sealed", type=int, default=40)
    parser.add_argument("--eras", type=int, default=200)
    parser.add_argument("--rows-per-era", type=int, default=300)
    parser.add_argument("--features", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2, help="mine --jobs (1 to pin the run to one core with taskset)")
    parser.add_argument("--json", help="also write every run's numbers here")
    args = parser.parse_args()
    samplers = args.samplers.split(",")
    runs = []
    print(f"budget {args.budget:.0f} trained seconds per study, sealed {args.sealed} of {args.eras} eras, "
          f"{args.rows_per_era} rows/era, {args.features} features, jobs {args.jobs}, cores {len(os.sched_getaffinity(0))}, load {os.getloadavg()[0]:.1f}")
    print("generator seed sampler        trials  secs  top10 Sharpe (corr)  select  beaters/20  top20 corr  benchmark")
    with tempfile.TemporaryDirectory() as work:
        space = f"{work}/space.json"
        json.dump(SPACE, open(space, "w"))
        json.dump(SPACE | PIPELINES, open(space.replace(".json", "-pipelines.json"), "w"))
        for spec in args.generators.split(","):
            generator, seeds = spec.split(":")
            for seed in range(int(seeds)):
                data = make_data(args.binary, generator, f"{work}/{generator}{seed}", seed, args)
                for sampler in samplers:
                    study = f"{work}/{generator}{seed}-{sampler}.sqlite"
                    start = time.time()
                    seconds = mine(args.binary, study, data, sampler, seed, args, space)
                    m = measure(args.binary, study, data)
                    m.update(generator=generator, seed=seed, sampler=sampler, seconds=seconds, wall=time.time() - start)
                    runs.append(m)
                    print(f"{generator:9s} {seed:4d} {sampler:14s} {m['trials']:6d} {seconds:5.0f}  {m['top10']:7.3f} ({m['top10_corr']:.4f})"
                          f"  {m['select']:6.3f}  {m['beaters']:6d}      {m['top20_corr']:.3f}      {m['benchmark']:.3f}", flush=True)
    if args.json:
        json.dump(runs, open(args.json, "w"), indent=1)
    rng = random.Random(0)
    print("\npaired vs uniform, per generator (top-10 ensemble sealed Sharpe; beaters among the top 20):")
    for generator in dict.fromkeys(r["generator"] for r in runs):
        base = {r["seed"]: r for r in runs if r["generator"] == generator and r["sampler"] == "uniform"}
        for sampler in samplers[1:]:
            mine_runs = {r["seed"]: r for r in runs if r["generator"] == generator and r["sampler"] == sampler}
            seeds = sorted(set(base) & set(mine_runs))
            diffs = [mine_runs[s]["top10"] - base[s]["top10"] for s in seeds]
            wins, p, lo, hi = paired(diffs, rng)
            beat_bench = sum(mine_runs[s]["top10"] > mine_runs[s]["benchmark"] for s in seeds)
            beaters = (sum(mine_runs[s]["beaters"] for s in seeds), sum(base[s]["beaters"] for s in seeds))
            corr = (statistics.mean(mine_runs[s]["top20_corr"] for s in seeds), statistics.mean(base[s]["top20_corr"] for s in seeds))
            print(f"  {generator:7s} {sampler:14s} Δ Sharpe " + " ".join(f"{d:+.3f}" for d in diffs) +
                  f"  better on {wins}/{len(diffs)} (sign p={p:.2f}), mean {statistics.mean(diffs):+.3f} [90% {lo:+.3f}, {hi:+.3f}];"
                  f" beats benchmark on {beat_bench}/{len(seeds)}; beaters {beaters[0]} vs {beaters[1]}; top20 corr {corr[0]:.3f} vs {corr[1]:.3f}")


if __name__ == "__main__":
    main()
