#!/usr/bin/env bash
# Many miners on one study (issue 20): N `mine` processes (--jobs 1 --threads-per-job 1, each its own
# SIGNALMINER_HOST_ID) on tiny trials until TRIALS trials × 2 splits are done, against one PostgreSQL study (8 and
# 1 processes) and one SQLite study (2 processes, its documented limit, and 1). Wall time from the first start to
# the last exit → claims/s (claims recorded ÷ wall) and finished split runs/s; then check.py: every run done exactly
# once (claims 1, one claim_log row on PostgreSQL), predictions stored for each, no trial or configuration twice.
# Configurations alternate in rounds (pg×8, pg×1, sqlite×2, sqlite×1, then again).
# PostgreSQL: a throwaway cluster (Debian's postgresql, as scripts/test-postgres.sh starts one, but with fsync on:
# a durable server) on 127.0.0.1:$PORT, deleted at the end.
# Release build, or the binary in $SIGNALMINER_BIN. Usage: bash bench/store_load/run.sh [trials=400] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
TRIALS="${1:-400}"
ROUNDS="${2:-3}"
PORT="${SIGNALMINER_BENCH_PG_PORT:-54347}"
if [[ -n "${SIGNALMINER_BIN:-}" ]]; then BIN="$SIGNALMINER_BIN"; else
  swift build -c release --product signal-miner >/dev/null
  BIN="$(swift build -c release --show-bin-path)/signal-miner"
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
PGDIR="$WORK/pg"
as_owner() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -f "$PGDIR/data/postmaster.pid" ]] && as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "date $(date -u +%FT%TZ)  cores $(nproc)  binary $BIN  trials $TRIALS × 2 splits"

mkdir -p "$PGDIR"; [[ "$(id -u)" == 0 ]] && chown postgres: "$PGDIR"
as_owner "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >"$WORK/initdb.log" 2>&1
as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=100" start >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -c "CREATE ROLE signalminer LOGIN" \
  -c "CREATE DATABASE signalminer OWNER signalminer"
echo "postgres $(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -c 'SHOW server_version') on 127.0.0.1:$PORT, fsync $(psql -h 127.0.0.1 -p "$PORT" -U postgres -qAt -c 'SHOW fsync')"

# Tiny data; 5- and 6-tree configurations, 2 × 30 × 8 × 4 = 1,920 of them.
"$BIN" data synth --out "$WORK/d" --eras 30 --rows-per-era 40 --features 8 --validation-eras 6 --targets 1 --seed 1 >/dev/null
echo '{"n_estimators": [5, 6], "learning_rate": {"linspace": [0.01, 0.3, 30]}, "num_leaves": [2, 3, 4, 5, 6, 7, 8, 10], "max_depth": [2, 3, 4, 5]}' \
  >"$WORK/space.json"

run() {  # run STORE PROCESSES ROUND → one result line
  local store="$1" n="$2" study pids=() failed=0 t0 wall claims
  if [[ "$store" == postgres ]]; then
    study="load_${n}_$3"; url="postgresql://signalminer@127.0.0.1:$PORT/signalminer?study=$study"
  else
    study="$WORK/load_${n}_$3.sqlite"; url="$study"
  fi
  t0=$(date +%s.%N)
  for i in $(seq "$n"); do
    SIGNALMINER_HOST_ID="bench$i" "$BIN" mine --study "$url" --data "$WORK/d_train.parquet" --data "$WORK/d_validation.parquet" \
      --space "$WORK/space.json" --trials "$TRIALS" --jobs 1 --threads-per-job 1 --splits 2 --gap 2 \
      --benchmark n_estimators=5,learning_rate=0.1 --seed 3 >"$WORK/mine_$i.out" 2>"$WORK/mine_$i.err" &
    pids+=("$!")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=1; echo "  miner $((i + 1)) exited non-zero: $(tail -2 "$WORK/mine_$((i + 1)).err")"; }
  done
  wall=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)")
  grep -h 'note:' "$WORK"/mine_*.err | sort | uniq -c | sed 's/^/  /' || true
  if [[ "$store" == postgres ]]; then
    check=$(python3 bench/store_load/check.py postgres "$study" "$TRIALS" 2 "$PORT") || failed=1
    claims=$(psql -h 127.0.0.1 -p "$PORT" -U signalminer -d signalminer -qAt -c "SELECT count(*) FROM signalminer.claim_log WHERE study = '$study'")
  else
    check=$(python3 bench/store_load/check.py sqlite "$study" "$TRIALS" 2) || failed=1
    claims=$(sqlite3 "$study" "SELECT sum(claims) FROM split_run")
  fi
  local runs=$(( (TRIALS + 1) * 2 ))
  python3 -c "import sys; w = float(sys.argv[3]); print('%s ×%s: %s s, %.1f claims/s, %.1f runs/s' % (sys.argv[1], sys.argv[2], w, int(sys.argv[4]) / w, int(sys.argv[5]) / w))" \
    "$store" "$n" "$wall" "$claims" "$runs"
  echo "  $check"
  [[ "$failed" == 0 ]] || echo "  FAILED (see above)"
  rm -f "$WORK"/mine_*
}

for round in $(seq "$ROUNDS"); do
  for config in "postgres 8" "postgres 1" "sqlite 2" "sqlite 1"; do
    echo "round $round, loadavg $(cat /proc/loadavg)"
    run $config "$round"
  done
done
echo "end, loadavg $(cat /proc/loadavg)"
