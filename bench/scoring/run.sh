#!/usr/bin/env bash
# Scoring benchmark: release build, then ours vs numerai-tools on the same generated data.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check numerai-tools pandas pyarrow numpy
swift build -c release --product signal-miner
python3 bench/scoring/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
