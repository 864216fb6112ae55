#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and starts switchboard-host
# on 127.0.0.1:8080 over the embedded SQLite database in ./var (or $SWITCHBOARD_DATA).
# Arguments are passed on to switchboard-host (see switchboard-host --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DSWITCHBOARD_BUILD_TESTS=OFF -DSWITCHBOARD_BUILD_BENCHMARKS=OFF
exec ./build/examples/host/switchboard-host --host 127.0.0.1 --port 8080 --data "${SWITCHBOARD_DATA:-var}" "$@"
