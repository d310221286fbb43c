#!/usr/bin/env bash
# Scoring benchmark (run by hand from the package root: bash bench/scoring/run.sh [ERAS] [ROWS]).
# 600 eras x 5000 rows, 42 features: corr + MMC + FNC per era, `signal-miner score --json` (release) against
# numerai-tools in the same run; checks the per-era values agree to 1e-9 and prints the time ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
ERAS="${1:-600}"; ROWS="${2:-5000}"
DIR="${SCORING_BENCH_DIR:-/tmp/signalminer-scoring-bench}"
mkdir -p "$DIR"
echo "date $(date -u +%FT%TZ)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)  eras $ERAS  rows/era $ROWS"
swift build -c release --product signal-miner >/dev/null
[[ -f "$DIR/data.parquet" && -f "$DIR/.size-$ERAS-$ROWS" ]] || {
  python3 bench/scoring/make_data.py "$DIR" "$ERAS" "$ROWS"; touch "$DIR/.size-$ERAS-$ROWS"; }
start=$(date +%s.%N)
.build/release/signal-miner score --predictions "$DIR/predictions.parquet" --data "$DIR/data.parquet" \
  --meta-model "$DIR/meta_model.parquet" --features-json "$DIR/features.json" --feature-set bench --json \
  >"$DIR/ours.json" 2>"$DIR/ours.log"
end=$(date +%s.%N)
python3 bench/scoring/numerai_tools_score.py "$DIR" >"$DIR/peer.json"
python3 - "$DIR" "$start" "$end" <<'PY'
import json, re, sys
d, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ours = json.load(open(f"{d}/ours.json"))["per_era"]
peer = json.load(open(f"{d}/peer.json"))
log = open(f"{d}/ours.log").read()
scored = float(re.search(r"in ([0-9.]+) s \(read", log).group(1))
worst = max(abs(ours[e][m] - peer["per_era"][e][m]) for e in peer["per_era"] for m in ("corr", "mmc", "fnc"))
wall = end - start
print(log.strip())
print(f"eras {len(peer['per_era'])}  max |ours - numerai-tools| over corr/mmc/fnc = {worst:.2e}")
print(f"numerai-tools scoring          {peer['seconds']:.3f} s (file reading excluded)")
print(f"signal-miner scoring (library) {scored:.3f} s   ratio {scored / peer['seconds']:.4f}x")
print(f"numerai-tools incl. reading    {peer['total_seconds']:.3f} s (pandas read_parquet, join by id, groupby era)")
print(f"signal-miner score, whole CLI  {wall:.3f} s   ratio {wall / peer['total_seconds']:.4f}x (process start to JSON out)")
PY
