"""Which ranking's top 10 holds up on sealed eras: whole-period CV Sharpe, the deflated Sharpe ratio, or the worse
of the two folds' Sharpe. Per seed: synthetic data, `mine --sealed-eras N` (uniform or another sampler), then for each
ranking the top 10 trials refit on every era before the sealed ones and scored on them (`holdout --ensemble`): the
rank-averaged ensemble's sealed Sharpe and corr, the mean sealed Sharpe of the 10, and the benchmark's. Nothing here
fits, rewards or selects on the sealed eras.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--seeds 0 1 2] [--trials 60] [--sealed 48] [--sampler uniform]
"""
import argparse, json, os, statistics, subprocess, tempfile

SPACE = {"n_estimators": {"linspace": [100, 1000, 10], "int": True}, "learning_rate": {"logspace": [0.005, 0.1, 10]},
         "num_leaves": [4, 8, 15, 31], "max_depth": [3, 4, 5, 6], "colsample_bytree": [0.05, 0.1, 0.2, 0.4],
         "min_child_samples": [10, 50, 200], "reg_lambda": [0, 10, 100], "target": ["target"]}
RANKINGS = ["whole_sharpe", "deflated_sharpe", "worse_fold_sharpe"]


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def one_seed(binary, work, seed, args):
    prefix = f"{work}/d{seed}"
    run(binary, "data", "synth", "--out", prefix, "--eras", "300", "--rows-per-era", "300", "--features", "60",
        "--validation-eras", "60", "--seed", str(seed))
    data = ["--data", f"{prefix}_train.parquet", "--data", f"{prefix}_validation.parquet"]
    study = f"{work}/s{seed}.sqlite"
    run(binary, "mine", "--study", study, *data, "--space", f"{work}/space.json", "--sampler", args.sampler, "--trials",
        str(args.trials), "--jobs", "2", "--splits", "2", "--gap", "4", "--seed", str(seed), "--sealed-eras", str(args.sealed))
    rows = [r for r in json.loads(run(binary, "results", "--study", study, "--json")) if not r["is_benchmark"]]
    out = {}
    for key in RANKINGS:
        top = sorted((r for r in rows if r.get(key) is not None), key=lambda r: -r[key])[:10]
        ids = ",".join(str(r["id"]) for r in top)
        scores = json.loads(run(binary, "holdout", "--study", study, "--trials", ids, "--ensemble", "--json"))
        members = [s for s in scores if s["name"].startswith("trial ")]
        out[key] = dict(ensemble=next(s for s in scores if s["name"].startswith("ensemble")), members=members,
                        benchmark=scores[0], cv=statistics.mean(r["whole_sharpe"] for r in top))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--trials", type=int, default=60)
    p.add_argument("--sealed", type=int, default=48)
    p.add_argument("--sampler", default="uniform")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        json.dump(SPACE, open(f"{work}/space.json", "w"))
        results = {}
        for seed in args.seeds:
            results[seed] = one_seed(args.binary, work, seed, args)
            b = results[seed]["whole_sharpe"]["benchmark"]
            print(f"seed {seed}: benchmark sealed Sharpe {b['sharpe']:.3f}, corr {b['corr']:.4f}")
            for key in RANKINGS:
                r = results[seed][key]
                mean_member = statistics.mean(m["sharpe"] for m in r["members"])
                print(f"  top 10 by {key:18s} CV Sharpe {r['cv']:.3f} -> sealed: ensemble Sharpe {r['ensemble']['sharpe']:.3f} "
                      f"corr {r['ensemble']['corr']:.4f}; members' mean Sharpe {mean_member:.3f}; "
                      f"{sum(m['beats_benchmark'] for m in r['members'])} of 10 beat the benchmark")
        print("\npaired differences vs whole_sharpe (ensemble sealed Sharpe), per seed:")
        for key in RANKINGS[1:]:
            diffs = [results[s][key]["ensemble"]["sharpe"] - results[s]["whole_sharpe"]["ensemble"]["sharpe"] for s in args.seeds]
            wins = sum(d > 0 for d in diffs)
            print(f"  {key:18s} " + " ".join(f"{d:+.3f}" for d in diffs) + f"  (better on {wins} of {len(diffs)}, mean {statistics.mean(diffs):+.3f})")


if __name__ == "__main__":
    main()
