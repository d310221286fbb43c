"""What an augmentation costs a fit: time and peak memory, per copy, against the same fit without it.

Usage: python3 augment_cost.py SIGNAL_MINER_BINARY [--eras 400] [--rows-per-era 2400] [--features 2376]
           [--trees 100] [--augments cutout:0.1:1,cutout:0.1:2,noise:0.3:1,rowavg:1,synthetic:50] [--work DIR]

Synthesizes a Numerai-shaped set with `signal-miner data synth`, imports it into a `.smd` cache, then mines
one study per augmentation under /usr/bin/time: the example benchmark (capped at --trees trees) and one trial,
the same model with `"augment": [SPEC]`, each on the same two era splits. Prints, per augmentation, the two
trials' seconds (the study's split seconds summed: rows built + fit + predict), their ratio, and the process's
peak RSS; the first row is the benchmark alone (`--trials 0`), the peak without rows added.
"""
import argparse, json, os, sqlite3, subprocess, sys, tempfile


def timed(command):
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed: {result.stderr[-2000:]}")
    return result.stdout, result.stderr, int(result.stderr.strip().splitlines()[-1]) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=400)
    parser.add_argument("--rows-per-era", type=int, default=2400)
    parser.add_argument("--features", type=int, default=2376)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--augments", default="cutout:0.1:1,cutout:0.1:2,noise:0.3:1,rowavg:1,synthetic:50")
    parser.add_argument("--work")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="augment-cost-")
    prefix = f"{work}/data"
    cache = f"{work}/data.smd"
    if not os.path.exists(cache):
        subprocess.run([args.binary, "data", "synth", "--out", prefix, "--eras", str(args.eras), "--rows-per-era",
                        str(args.rows_per_era), "--features", str(args.features), "--targets", "1",
                        "--validation-eras", "1"], check=True, capture_output=True)
        subprocess.run([args.binary, "data", "import", f"{prefix}_train.parquet", "--out", cache], check=True,
                       capture_output=True)
    rows = args.eras * args.rows_per_era
    print(f"data: {args.eras} eras x {args.rows_per_era} rows = {rows} rows x {args.features} int8 features "
          f"({rows * args.features / 2**30:.2f} GiB); example model with {args.trees} trees, 2 splits")
    print(f"| augmentation | baseline trial s | augmented trial s | ratio | peak RSS GiB |")
    print(f"| --- | --- | --- | --- | --- |")
    _, _, peak = timed([args.binary, "mine", "--study", f"{work}/baseline.sqlite", "--data", cache, "--trials", "0",
                        "--splits", "2", "--benchmark", f"n_estimators={args.trees}"])
    os.remove(f"{work}/baseline.sqlite")
    print(f"| none (the benchmark alone) | | | | {peak / 2**30:.2f} |", flush=True)
    example = {"learning_rate": [0.01], "max_depth": [5], "num_leaves": [15], "colsample_bytree": [0.1],
               "n_estimators": [args.trees]}
    for spec in args.augments.split(","):
        study, space = f"{work}/augment.sqlite", f"{work}/space.json"
        with open(space, "w") as f:
            json.dump(dict(example, augment=[spec]), f)
        _, _, peak = timed([args.binary, "mine", "--study", study, "--data", cache, "--space", space, "--trials", "1",
                            "--splits", "2", "--benchmark", f"n_estimators={args.trees}"])
        seconds = {}
        for config, s in sqlite3.connect(study).execute(
                "SELECT t.config, r.seconds FROM trial t JOIN split_run r ON r.trial = t.id"):
            key = "augmented" if "augment" in json.loads(config) else "baseline"
            seconds[key] = seconds.get(key, 0) + s
        os.remove(study)
        print(f"| {spec} | {seconds['baseline']:.2f} | {seconds['augmented']:.2f} | "
              f"{seconds['augmented'] / seconds['baseline']:.2f}x | {peak / 2**30:.2f} |", flush=True)

if __name__ == "__main__":
    main()
