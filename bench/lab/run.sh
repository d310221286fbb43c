#!/usr/bin/env bash
# Feature lab (seed 002): baseline vs baseline + each feature family, on two data generators, sealed eras.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check pyarrow numpy
swift build -c release --product signal-miner
python3 bench/lab/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
