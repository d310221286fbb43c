#!/usr/bin/env bash
# Rankings on sealed eras: release build, then bench.py (ours only: the measure is out-of-sample quality, not speed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product signal-miner
python3 bench/selection/bench.py "$(swift build -c release --show-bin-path)/signal-miner" "$@"
