"""What an augmentation costs a fit: time and peak memory, per copy, against the same fit without it.

Usage: python3 augment_cost.py SIGNAL_MINER_BINARY [--eras 400] [--rows-per-era 2400] [--features 2376]
           [--trees 100] [--augments cutout:0.1:1,cutout:0.1:2,noise:0.3:1,rowavg:1,synthetic:50] [--work DIR]

Synthesizes a Numerai-shaped set with `signal-miner data synth`, imports it into a `.smd` cache, then runs
`signal-miner lab --augment SPEC` once per augmentation (the baseline and the augmented variant fitted on the
same two splits in one process) under /usr/bin/time. Prints, per augmentation, the mean fit seconds (rows
built + fit + predict) of the baseline and the variant, their ratio, and the process's peak RSS; the first row is
the baseline alone (`mine --trials 0`, the same model on the same two splits) for the peak without rows added.
"""
import argparse, json, os, subprocess, sys, tempfile


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
    print(f"| augmentation | baseline fit s | augmented fit s | ratio | peak RSS GiB |")
    print(f"| --- | --- | --- | --- | --- |")
    _, _, peak = timed([args.binary, "mine", "--study", f"{work}/baseline.sqlite", "--data", cache, "--trials", "0",
                        "--splits", "2", "--benchmark", f"n_estimators={args.trees}"])
    os.remove(f"{work}/baseline.sqlite")
    print(f"| none (mine --trials 0) | | | | {peak / 2**30:.2f} |", flush=True)
    for spec in args.augments.split(","):
        out, _, peak = timed([args.binary, "lab", "--data", cache, "--benchmark", f"n_estimators={args.trees}",
                              "--augment", spec, "--splits", "2", "--json"])
        results = json.loads(out)
        fit = [sum(s["fitSeconds"] for s in r["scores"]) / len(r["scores"]) for r in results]
        print(f"| {spec} | {fit[0]:.1f} | {fit[1]:.1f} | {fit[1] / fit[0]:.2f}x | {peak / 2**30:.2f} |", flush=True)


if __name__ == "__main__":
    main()
