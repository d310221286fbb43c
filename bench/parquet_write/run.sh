#!/usr/bin/env bash
# Parquet writer settings (Snappy, ZSTD levels, BYTE_STREAM_SPLIT floats): file size and read time, ours and
# pyarrow's, on a Numerai-shaped data set and on a predictions file, in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check pyarrow numpy
swift build -c release --product signal-miner
python3 bench/parquet_write/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
