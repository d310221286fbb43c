#!/usr/bin/env bash
# Sampler comparison: release build, then uniform and gfn (ours) and Optuna's TPE (LightGBM) on the same data.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check optuna lightgbm numerai-tools scikit-learn pandas pyarrow numpy
swift build -c release --product signal-miner
python3 bench/samplers/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
