"""`signal-miner lab` on two data generators: which feature families lift sealed corr, Sharpe or MMC.

Usage: python3 bench.py SIGNAL_MINER_BINARY [--eras 150] [--rows-per-era 600] [--features 100] [--seeds 0,1]
         [--generators synth,factors] [--sealed 30] [--augments cutout:0.1:1,noise:0.3:1,rowavg:1,synthetic:50]
         [--families pca,fa,autoencoder,contrastive]
Generators: `synth` (`signal-miner data synth`: feature groups around latent factors, a weak drifting target with
an interaction and a threshold) and `factors` (written here with numpy: 8 hidden factors per row, each feature a
noisy binned view of two of them, the target a drifting non-linear function of the factors — a structure the
unsupervised stages could find and the raw trees see only through noise). For each generator and seed: fit
pca:16, fa:8, ae:12 (3 epochs) and cl:16 (3 epochs) on the training file's features (no labels), then `lab` with
the example model and the last --sealed eras sealed; with --augments, the same lab also runs each augmentation as a
variant (rows added to every fit, made from its training rows only). Prints each variant's sealed corr, Sharpe, max
exposure, MMC vs the baseline and fit seconds, and per family the paired difference from the baseline over the seeds.
"""
import argparse, json, os, subprocess, sys, tempfile

import numpy as np


def factors_data(path, eras, rows_per_era, features, seed):
    import pyarrow as pa, pyarrow.parquet as pq
    rng = np.random.default_rng(seed)
    k = 8
    pairs = rng.integers(0, k, size=(features, 2))
    loadings = rng.normal(size=(features, 2))
    weights = rng.normal(size=k)
    cols = {f"feature_{j:04d}": [] for j in range(features)}
    target, era_col, ids = [], [], []
    for e in range(eras):
        f = rng.normal(size=(rows_per_era, k))
        w = weights + 0.3 * rng.normal(size=k)  # drift
        signal = 0.15 * (f @ w) / np.sqrt(k) + 0.25 * np.tanh(f[:, 0] * f[:, 1]) + 0.2 * (f[:, 2] ** 2 - 1)
        y = signal + rng.normal(size=rows_per_era) * 1.6
        order = np.argsort(np.argsort(y, kind="stable"), kind="stable") / rows_per_era
        t = np.select([order < .05, order < .25, order < .75, order < .95], [0, .25, .5, .75], 1.0)
        for j in range(features):
            x = loadings[j, 0] * f[:, pairs[j, 0]] + loadings[j, 1] * f[:, pairs[j, 1]] + rng.normal(size=rows_per_era)
            q = np.argsort(np.argsort(x, kind="stable"), kind="stable") * 5 // rows_per_era
            cols[f"feature_{j:04d}"].append(q.astype(np.int8))
        target.append(t)
        era_col += [f"{e + 1:04d}"] * rows_per_era
        ids += [f"e{e}r{r}" for r in range(rows_per_era)]
    table = {"id": ids, "era": era_col, "data_type": ["train"] * len(ids)}
    table.update({name: np.concatenate(v) for name, v in cols.items()})
    table["target"] = np.concatenate(target).astype(np.float32)
    pq.write_table(pa.table(table), path)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=150)
    parser.add_argument("--rows-per-era", type=int, default=600)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--generators", default="synth,factors")
    parser.add_argument("--sealed", type=int, default=30)
    parser.add_argument("--augments", default="")
    parser.add_argument("--families", default="pca,fa,autoencoder,contrastive")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="lab-bench-")
    stages = [("pca", "16", []), ("fa", "8", []), ("autoencoder", "12", ["--epochs", "3"]), ("contrastive", "16", ["--epochs", "3"])]
    diffs = {}
    for generator in args.generators.split(","):
        for seed in args.seeds.split(","):
            prefix = os.path.join(work, f"{generator}{seed}")
            train = prefix + "_train.parquet"
            if generator == "synth":
                run([args.binary, "data", "synth", "--out", prefix, "--eras", str(args.eras + 1), "--rows-per-era",
                     str(args.rows_per_era), "--features", str(args.features), "--validation-eras", "1", "--seed", seed])
            else:
                factors_data(train, args.eras, args.rows_per_era, args.features, int(seed))
            transforms = []
            for method, k, extra in [st for st in stages if st[0] in args.families.split(",")]:
                smt = f"{prefix}-{method}.smt"
                seeded = ["--seed", seed] + extra if method in ("autoencoder", "contrastive") else []
                run([args.binary, "features", "fit", "--method", method, "--components", k, "--data", train, "--out", smt]
                    + seeded)
                transforms += ["--transform", smt]
            augments = [a for spec in args.augments.split(",") if spec for a in ("--augment", spec)]
            out = run([args.binary, "lab", "--data", train, "--sealed-eras", str(args.sealed), "--json"] + transforms + augments)
            results = json.loads(out)
            base = {s["period"]: s for s in results[0]["scores"]}["sealed"]
            print(f"{generator} seed {seed}: sealed eras {len(base['eras'])}")
            for r in results:
                s = {x["period"]: x for x in r["scores"]}["sealed"]
                v = {x["period"]: x for x in r["scores"]}["validation"]
                print(f"  {r['variant'][:28]:28s} sealed corr {s['corrMean']:.4f} Sharpe {s['sharpe']:.3f} "
                      f"max exp {s['maxFeatureExposure']:.3f} MMC {s['mmc']:+.4f} corr w/ base {s['baselineCorrelation']:.3f}"
                      f" | validation corr {v['corrMean']:.4f} Sharpe {v['sharpe']:.3f} | sealed fit {s['fitSeconds']:.1f} s")
                if r["stages"] or r.get("augmentation"):
                    key = (generator, r["stages"][0].split(":")[0] if r["stages"] else r["augmentation"].split(":")[0])
                    diffs.setdefault(key, []).append((s["corrMean"] - base["corrMean"], s["sharpe"] - base["sharpe"], s["mmc"]))
    print("paired sealed differences from the baseline (per seed):")
    for (generator, family), values in diffs.items():
        corr = ", ".join(f"{d[0]:+.4f}" for d in values)
        sharpe = ", ".join(f"{d[1]:+.3f}" for d in values)
        mmc = ", ".join(f"{d[2]:+.4f}" for d in values)
        print(f"  {generator:8s} {family:9s} corr {corr} | Sharpe {sharpe} | MMC {mmc}")


if __name__ == "__main__":
    main()
