#!/usr/bin/env bash
# Scale: the full-size synthetic Numerai set (6.24 M rows × 2376 features by default) on one machine, step by
# step, with each step's wall time and peak RSS (/usr/bin/time). By hand, not CI: it needs ~25 GB of disk.
#
#   bash bench/scale/run.sh [WORK_DIR]
#   ERAS=1300 ROWS_PER_ERA=4800 FEATURES=2376 TREES=2000 DEEP_TREES=1000 PCA=64 bash bench/scale/run.sh /data/scale
#
# Steps: data synth (streams row groups) → data import (streams feature batches to the .smd cache) → opening
# the cache (data info) → a PCA stage of PCA components fitted on every row (skipped unless PCA is set) → the
# example benchmark's trial on 2 splits, capped at TREES trees (2,000 = the whole trial), and the deep
# benchmark's first DEEP_TREES trees (default TREES).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
work=${1:-$(mktemp -d /tmp/scale-XXXX)}
mkdir -p "$work"
eras=${ERAS:-1300}
per_era=${ROWS_PER_ERA:-4800}
features=${FEATURES:-2376}
trees=${TREES:-20}
deep_trees=${DEEP_TREES:-$trees}
pca=${PCA:-}
bin=${SIGNALMINER_BIN:-}
if [ -z "$bin" ]; then
  swift build -c release --product signal-miner
  bin="$(swift build -c release --show-bin-path)/signal-miner"
fi

# Runs a step under /usr/bin/time and prints "step | wall s | peak RSS GiB".
step() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:"
    tail -5 "$work/$name.err"
    exit 1
  }
  read -r wall kb < <(tail -1 "$work/time.txt")
  printf '| %-28s | %9.1f s | %6.2f GiB |\n' "$name" "$wall" "$(echo "$kb / 1048576" | bc -l)"
}

echo "scale run: $eras eras × $per_era rows × $features features in $work ($(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB)"
echo "| step                         |      wall |   peak RSS |"
echo "|------------------------------|-----------|------------|"
[ -f "$work/v5_train.parquet" ] || step "data synth" "$bin" data synth --out "$work/v5" --eras "$eras" \
  --rows-per-era "$per_era" --features "$features" --targets 2 --validation-eras $((eras * 45 / 100))
[ -f "$work/v5.smd" ] || step "data import" "$bin" data import "$work/v5_train.parquet" "$work/v5_validation.parquet" \
  --out "$work/v5.smd"
step "open the cache (data info)" "$bin" data info "$work/v5.smd"
[ -z "$pca" ] || step "features fit pca:$pca" "$bin" features fit --data "$work/v5.smd" --method pca --components "$pca" \
  --out "$work/pca.smt"
rm -f "$work/example.sqlite" "$work/deep.sqlite"
step "example, 2 splits, $trees trees" "$bin" mine --study "$work/example.sqlite" --data "$work/v5.smd" --trials 0 \
  --splits 2 --benchmark "n_estimators=$trees"
step "deep, 2 splits, $deep_trees trees" "$bin" mine --study "$work/deep.sqlite" --data "$work/v5.smd" --trials 0 --splits 2 \
  --benchmark "max_depth=10,num_leaves=1024,min_child_samples=10000,learning_rate=0.001,n_estimators=$deep_trees"
ls -l "$work"/v5_*.parquet "$work"/v5.smd | awk '{printf "%s %.2f GiB\n", $9, $5 / 1073741824}'
