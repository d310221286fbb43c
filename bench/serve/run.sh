#!/usr/bin/env bash
# The dashboard under load while a study is mined: wrk (Debian's) on `/` and `/leaderboard` of `serve`,
# requests/s and p99 latency; and mining throughput (trials/min) of the same `mine` run without and with the
# server under load. Release build (or the binary in $SIGNALMINER_BIN). Usage: bash bench/serve/run.sh [trials=30] [wrk seconds=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
TRIALS="${1:-30}"
SECONDS_PER_URL="${2:-20}"
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
echo "date $(date -u +%FT%TZ)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)  trials $TRIALS"
"$BIN" data synth --out "$WORK/d" --eras 80 --rows-per-era 400 --features 30 --validation-eras 20 --seed 1 >/dev/null
echo '{"n_estimators": [100, 200], "learning_rate": [0.02, 0.05], "num_leaves": [8, 16], "max_depth": [4, 5]}' >"$WORK/space.json"
mine() { "$BIN" mine --study "$1" --data "$WORK/d_train.parquet" --data "$WORK/d_validation.parquet" --trials "$TRIALS" \
  --space "$WORK/space.json" --benchmark n_estimators=100,learning_rate=0.05 --jobs 1 --splits 2 --gap 4 --seed 7 >/dev/null 2>&1; }
rate() { python3 -c "import sys; print('%.2f trials/min' % ((int(sys.argv[1]) + 1) / (float(sys.argv[2]) / 60)))" "$TRIALS" "$1"; }

start=$(date +%s.%N); mine "$WORK/alone.sqlite"; alone=$(python3 -c "print($(date +%s.%N) - $start)")
echo "mining alone:           $(rate "$alone") (${alone%.*} s)"

start=$(date +%s.%N); mine "$WORK/served.sqlite" & MINER=$!; PIDS+=("$MINER")
until [[ -f "$WORK/served.sqlite" ]]; do sleep 0.2; done
sleep 2
"$BIN" serve --study "$WORK/served.sqlite" --port 0 >"$WORK/serve.out" 2>/dev/null & PIDS+=("$!")
for _ in $(seq 100); do grep -q http "$WORK/serve.out" && break; sleep 0.2; done
URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out")
for path in "" leaderboard; do
  out=$(wrk -t2 -c8 -d"${SECONDS_PER_URL}s" --latency "$URL$path")
  echo "GET /$path: $(grep 'Requests/sec' <<<"$out" | awk '{print $2}') req/s, p99 $(grep ' 99%' <<<"$out" | awk '{print $2}') (wrk -t2 -c8 ${SECONDS_PER_URL}s)"
done
wait "$MINER"; served=$(python3 -c "print($(date +%s.%N) - $start)")
echo "mining with the server: $(rate "$served") (${served%.*} s; the server loaded for $((2 * SECONDS_PER_URL)) s of it)"
