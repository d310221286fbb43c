#!/usr/bin/env bash
# Feature stages: ours (signal-miner features fit) vs scikit-learn on the same int8 data, in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check pyarrow numpy scikit-learn
swift build -c release --product signal-miner
python3 bench/features/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
