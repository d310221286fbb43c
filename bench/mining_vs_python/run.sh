#!/usr/bin/env bash
# Mining throughput: release build, then ours vs the Python Signal Miner loop on the same configurations.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check lightgbm pandas pyarrow numpy scikit-learn psutil
swift build -c release --product signal-miner
python3 bench/mining_vs_python/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
