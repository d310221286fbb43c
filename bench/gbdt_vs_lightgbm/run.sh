#!/usr/bin/env bash
# GBDT benchmark: release build, then ours vs LightGBM (2 threads each) on the same synthetic data.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check lightgbm pandas pyarrow numpy
swift build -c release --product signal-miner
python3 bench/gbdt_vs_lightgbm/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
