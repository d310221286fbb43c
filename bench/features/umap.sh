#!/usr/bin/env bash
# UMAP: ours (signal-miner features fit --method umap) vs umap-learn on the same int8 data, in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -m pip install --quiet --disable-pip-version-check pyarrow numpy scikit-learn umap-learn
swift build -c release --product signal-miner
python3 bench/features/umap.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
