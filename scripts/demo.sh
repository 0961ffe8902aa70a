#!/usr/bin/env bash
# The demo: installs the system packages, builds the engine in release mode and runs
# `driftline demo`, which streams generated plant telemetry with a drift episode and prints the
# alerts and retraining triggers as they fire.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release --product driftline
exec .build/release/driftline demo "$@"
