#!/usr/bin/env bash
# The dashboard under load (issue 17): a study of ≥ 5,000 finished tiny trials, then
#  1. while `mine` keeps adding trials to it, `serve` and wrk (Debian's) on `/` and `/leaderboard`: requests/s,
#     p50 and p99 latency (wrk --timeout 30s, so slow requests count in the latency instead of as timeouts);
#  2. mining throughput (trials/min over the next NEW trials of a copy of that study) alone, (a) with the server
#     polled as an open overview page does (`/api/overview` every 3 s; the page reloads `/` at most every 15 s
#     while the study changes) and (b) with the server saturated by wrk on `/`,
#     in alternating rounds (alone, a, b, alone, a, b, …), each pair's ratio and the median ratio.
# Release build, or the binary in $SIGNALMINER_BIN.
# Usage: bash bench/serve/run.sh [trials=5000] [wrk seconds=20] [new trials per throughput run=200] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
TRIALS="${1:-5000}"
SECONDS_PER_URL="${2:-20}"
NEW="${3:-200}"
ROUNDS="${4:-3}"
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
if [[ -n "${SIGNALMINER_BIN:-}" ]]; then BIN="$SIGNALMINER_BIN"; else
  swift build -c release --product signal-miner >/dev/null
  BIN="$(swift build -c release --show-bin-path)/signal-miner"
fi
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
since() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now)"; }
load() { echo "loadavg $(cat /proc/loadavg)"; }
echo "date $(date -u +%FT%TZ)  cores $(nproc)  binary $BIN  trials $TRIALS"
load

# Tiny data and a space of 16 × 30 × 8 × 4 = 15,360 small configurations (5 to 20 trees).
"$BIN" data synth --out "$WORK/d" --eras 30 --rows-per-era 40 --features 8 --validation-eras 6 --targets 1 --seed 1 >/dev/null
cat >"$WORK/space.json" <<'EOF'
{"n_estimators": {"linspace": [5, 20, 16], "int": true}, "learning_rate": {"linspace": [0.01, 0.3, 30]},
 "num_leaves": [2, 3, 4, 5, 6, 7, 8, 10], "max_depth": [2, 3, 4, 5]}
EOF
mine_args() { echo mine --study "$1" --data "$WORK/d_train.parquet" --data "$WORK/d_validation.parquet" --trials "$2" \
  --space "$WORK/space.json" --benchmark n_estimators=10,learning_rate=0.1 --jobs 2 --splits 2 --gap 2 --seed 7; }
mine() { "$BIN" $(mine_args "$@") >/dev/null 2>&1; }

start=$(now); mine "$WORK/base.sqlite" "$TRIALS"
echo "built the study: $("$BIN" progress --study "$WORK/base.sqlite" | head -1) in $(since "$start") s ($(stat -c %s "$WORK/base.sqlite") bytes)"

serve() {  # serve STUDY → sets URL and SERVER
  "$BIN" serve --study "$1" --port 0 >"$WORK/serve.out" 2>/dev/null & SERVER=$!; PIDS+=("$SERVER")
  for _ in $(seq 100); do grep -q http "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
  URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out")
}
stop() { for p in "$@"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

# 1. wrk while mining.
echo "== wrk on the dashboard while mine adds trials to the study"
cp "$WORK/base.sqlite" "$WORK/live.sqlite"
"$BIN" $(mine_args "$WORK/live.sqlite" $((TRIALS + 5000))) >/dev/null 2>&1 & MINER=$!; PIDS+=("$MINER")
sleep 3
serve "$WORK/live.sqlite"
for path in "" leaderboard; do
  curl -s -o /dev/null -w "one GET /$path (cold): %{size_download} bytes in %{time_total} s\n" "$URL$path"
done
for path in "" leaderboard; do
  load
  before=$("$BIN" progress --study "$WORK/live.sqlite" | head -1)
  out=$(wrk -t2 -c8 -d"${SECONDS_PER_URL}s" --timeout 30s --latency "$URL$path")
  errors=$(grep -E 'Socket errors|Non-2xx' <<<"$out" | tr -s ' ' | paste -sd';' - || true)
  echo "GET /$path: $(grep 'Requests/sec' <<<"$out" | awk '{print $2}') req/s, p50 $(grep ' 50%' <<<"$out" | awk '{print $2}')," \
    "p99 $(grep ' 99%' <<<"$out" | awk '{print $2}'), $(grep 'requests in' <<<"$out" | awk '{print $1}') requests," \
    "$(grep 'Transfer/sec' <<<"$out" | awk '{print $2}')/s ${errors:+($errors)} (wrk -t2 -c8 -d${SECONDS_PER_URL}s --timeout 30s --latency)"
  echo "  miner during it: $before → $("$BIN" progress --study "$WORK/live.sqlite" | head -1)"
  # The server answers queued requests after wrk has gone; wait for them before the next measure.
  curl -s -o /dev/null -w "  GET /api/overview right after wrk (waits for the requests wrk left queued): %{time_total} s\n" "$URL"api/overview
done
stop "$SERVER" "$MINER"

# 2. Mining throughput: NEW more trials on a fresh copy of the study, alone / (a) polled / (b) saturated.
poll() {
  local k=0
  while true; do
    curl -s -o /dev/null "$1api/overview"
    if (( k++ % 5 == 0 )); then curl -s -o /dev/null "$1"; fi
    sleep 3
  done
}
run() {  # run MODE → prints trials/min
  local study="$WORK/run.sqlite" helper="" t
  rm -f "$study"*; cp "$WORK/base.sqlite" "$study"
  if [[ "$1" != alone ]]; then
    serve "$study"
    # A server is long-lived: it scored the study when first opened, long before; do that before the clock starts.
    curl -s -o /dev/null "$URL"
    if [[ "$1" == polled ]]; then poll "$URL" >/dev/null 2>&1 & helper=$!; else wrk -t2 -c8 -d3600s --timeout 30s "$URL" >/dev/null & helper=$!; fi
    PIDS+=("$helper")
  fi
  t=$(now); mine "$study" $((TRIALS + NEW)); t=$(since "$t")
  [[ -n "$helper" ]] && { kill "$helper"; wait "$helper" 2>/dev/null || true; stop "$SERVER"; }
  python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / float(sys.argv[2]) * 60))" "$NEW" "$t"
}
echo "== mining throughput: $NEW new trials on a copy of the $TRIALS-trial study (--jobs 2), trials/min"
RESULTS="$WORK/results.tsv"
for round in $(seq "$ROUNDS"); do
  for mode in alone polled wrk; do
    echo "round $round $mode: $(load)"
    rate=$(run "$mode"); echo -e "$round\t$mode\t$rate" >>"$RESULTS"; echo "  $rate trials/min"
  done
done
python3 - "$RESULTS" <<'EOF'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
by = {}
for r, mode, rate in rows: by.setdefault(int(r), {})[mode] = float(rate)
print("round | alone | (a) polled | (b) wrk | a/alone | b/alone")
for r in sorted(by):
    m = by[r]
    print(f"{r} | {m['alone']} | {m['polled']} | {m['wrk']} | {m['polled'] / m['alone']:.3f} | {m['wrk'] / m['alone']:.3f}")
for mode in ("polled", "wrk"):
    ratios = [by[r][mode] / by[r]["alone"] for r in by]
    print(f"median {mode}/alone: {statistics.median(ratios):.3f} (slower by {100 * (1 - statistics.median(ratios)):.1f} %)")
EOF
load
