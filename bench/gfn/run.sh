#!/usr/bin/env bash
# GFlowNet acceptance and speed benchmark (run by hand from the package root: bash bench/gfn/run.sh).
#  1. 2D H8 TB, 32k trajectories: our training time vs torchgfn's in one run, and the ratio.
#  2. The training acceptance runs with torchgfn's settings (batch 128, Adam 1e-3, log Z lr 0.1, 2 x 256):
#     TB 2D H8 32k for 5 seeds (L1 <= 0.02, |log Z - 3.1091| <= 0.01), DB and SubTB 2D H8 32k (L1 <= 0.02),
#     TB with epsilon 0.1 (L1 <= 0.02), TB 4D H8 (all 16 modes by 32k, L1 <= 0.10 at 128k).
# torchgfn lives in its own virtualenv ($GFN_BENCH_VENV): it pins numpy < 2, which must not leak into the
# interpreter the interop tests use. Set SKIP_PEER=1 to skip it.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${GFN_BENCH_VENV:-$HOME/.cache/signalminer-gfn-venv}"
BIN=.build/release/signal-miner
echo "date $(date -u +%FT%TZ)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)"
swift build -c release --product signal-miner >/dev/null
run() { "$BIN" gfn hypergrid "$@" --json 2>/dev/null; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
check() { python3 -c "import sys; ok = eval(sys.argv[1]); print(('PASS ' if ok else 'FAIL ') + sys.argv[2]); sys.exit(0 if ok else 1)" "$1" "$2" || FAILED=1; }
FAILED=0

echo "== speed: 2D H8 TB, 32k trajectories, seed 0"
ours=$(run --ndim 2 --height 8 --trajectories 32000 --seed 0)
echo "signal-miner  $ours"
if [[ "${SKIP_PEER:-0}" != 1 ]]; then
  if [[ ! -x "$VENV/bin/python" ]]; then python3 -m venv "$VENV"; fi
  if "$VENV/bin/python" -c "import gfn, torch" 2>/dev/null || "$VENV/bin/pip" install --quiet --disable-pip-version-check torchgfn; then
    peer=$("$VENV/bin/python" bench/gfn/torchgfn_hypergrid.py --ndim 2 --height 8 --trajectories 32000 --seed 0 2>/dev/null | tail -1)
    echo "torchgfn      $peer"
    python3 -c "import sys; print('time ratio signal-miner / torchgfn = %.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" \
      "$(field "$ours" seconds)" "$(field "$peer" seconds)"
  else
    echo "torchgfn could not be installed: peer skipped"
  fi
fi

echo "== TB 2D H8 32k, 5 seeds"
for seed in 1 2 3 4 5; do
  r=$(run --ndim 2 --height 8 --trajectories 32000 --seed $seed); echo "seed $seed  $r"
  check "$(field "$r" l1) <= 0.02 and abs($(field "$r" log_z) - 3.1091) <= 0.01" "TB 2D seed $seed"
done
for loss in db subtb; do
  echo "== ${loss} 2D H8 32k"
  r=$(run --ndim 2 --height 8 --trajectories 32000 --loss $loss --seed 1); echo "$r"
  check "$(field "$r" l1) <= 0.02" "$loss 2D"
done
echo "== TB 2D H8 32k, epsilon 0.1"
r=$(run --ndim 2 --height 8 --trajectories 32000 --epsilon 0.1 --seed 1); echo "$r"
check "$(field "$r" l1) <= 0.02 and abs($(field "$r" log_z) - 3.1091) <= 0.01" "TB 2D epsilon 0.1"
echo "== TB 4D H8"
r=$(run --ndim 4 --height 8 --trajectories 32000 --seed 0); echo "32k   $r"
check "$(field "$r" modes_found) == 16" "4D all 16 modes by 32k"
r=$(run --ndim 4 --height 8 --trajectories 128000 --seed 0); echo "128k  $r"
check "$(field "$r" l1) <= 0.10" "4D L1 at 128k"
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)"
exit $FAILED
