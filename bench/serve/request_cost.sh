#!/usr/bin/env bash
# Where a dashboard request's time goes on a big study (issue 17): one request at a time on a copy of STUDY (e.g.
# a 5,000-trial study made as bench/serve/run.sh makes it), cached and right after 20 more trials finished (the
# results are scored again), with each page's size; `results` on the same study (the scoring alone); and the
# SQLite reads the miner and the pages repeat (progress counts, the claim query, the split-run list); and wrk on
# `/` and `/leaderboard` of the same study with nothing mining (every request from the cache).
# Release build, or the binary in $SIGNALMINER_BIN.
# Usage: bash bench/serve/request_cost.sh STUDY.sqlite DATA_PREFIX SPACE.json   (DATA_PREFIX_train/_validation.parquet)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
STUDY="$1"; DATA="$2"; SPACE="$3"
if [[ -n "${SIGNALMINER_BIN:-}" ]]; then BIN="$SIGNALMINER_BIN"; else
  swift build -c release --product signal-miner >/dev/null
  BIN="$(swift build -c release --show-bin-path)/signal-miner"
fi
WORK="$(mktemp -d)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; }; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "date $(date -u +%FT%TZ)  cores $(nproc)  loadavg $(cat /proc/loadavg)"
cp "$STUDY" "$WORK/s.sqlite"
TRIALS=$(sqlite3 "$WORK/s.sqlite" "SELECT count(*) - 1 FROM trial")
echo "study: $("$BIN" progress --study "$WORK/s.sqlite" | head -1)"
"$BIN" serve --study "$WORK/s.sqlite" --port 0 >"$WORK/serve.out" 2>/dev/null & SERVER=$!
for _ in $(seq 100); do grep -q http "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out")
get() { curl -s -o /dev/null -w "GET /$1 ($2): %{http_code}, %{size_download} bytes, %{time_total} s\n" "$URL$1"; }
get "" "first request: scores the study"
for path in "" api/overview leaderboard; do get "$path" cached; get "$path" cached; done
"$BIN" mine --study "$WORK/s.sqlite" --data "${DATA}_train.parquet" --data "${DATA}_validation.parquet" --space "$SPACE" \
  --trials $((TRIALS + 20)) --benchmark n_estimators=10,learning_rate=0.1 --jobs 2 --splits 2 --gap 2 --seed 7 >/dev/null 2>&1
echo "after mine: $("$BIN" progress --study "$WORK/s.sqlite" | head -1)"
get api/overview "20 more trials finished: scores again"
get api/overview cached
for path in "" leaderboard; do  # the same study, nothing mining: every request served from the cache
  out=$(wrk -t2 -c8 -d20s --timeout 30s --latency "$URL$path")
  echo "no mining, wrk -t2 -c8 -d20s on /$path: $(grep 'Requests/sec' <<<"$out" | awk '{print $2}') req/s," \
    "p50 $(grep ' 50%' <<<"$out" | awk '{print $2}'), p99 $(grep ' 99%' <<<"$out" | awk '{print $2}') (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
start=$(date +%s.%N); "$BIN" results --study "$WORK/s.sqlite" --json >"$WORK/results.json"
echo "signal-miner results --json: $(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)") s ($(stat -c %s "$WORK/results.json") bytes)"
python3 - "$WORK/s.sqlite" <<'EOF'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for name, sql in [
    ("claim: first pending run (scans the finished ones in key order)",
     "SELECT trial, split FROM split_run WHERE status = 'pending' ORDER BY trial, split LIMIT 1"),
    ("progress: trials done", "SELECT COUNT(*) FROM trial t WHERE NOT EXISTS "
     "(SELECT 1 FROM split_run s WHERE s.trial = t.id AND s.status != 'done')"),
    ("progress: one of its 5 counts of split runs", "SELECT COUNT(*) FROM split_run WHERE status = 'done'"),
    ("the split-run list (every dashboard request)",
     "SELECT trial, split, status, owner, lease_until, seconds, claims FROM split_run ORDER BY trial, split"),
]:
    start = time.perf_counter()
    for _ in range(10): db.execute(sql).fetchall()
    print(f"sqlite {name}: {(time.perf_counter() - start) / 10 * 1000:.1f} ms")
EOF
