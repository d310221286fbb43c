#!/usr/bin/env bash
# Parquet read benchmark: builds the release binary, then runs ours and pyarrow on the same file.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check pyarrow numpy
swift build -c release --product signal-miner
python3 bench/parquet_read/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
