#!/usr/bin/env bash
# The autoencoder stage: ours vs the same network in PyTorch (CPU), same data, in one run.
# PYTHON may name an interpreter that already has torch (the PyPI wheel is large).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install --quiet --disable-pip-version-check torch pyarrow numpy
swift build -c release --product signal-miner
"$PYTHON" bench/features/autoencoder.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
