#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds once in ./build and
# runs every test suite (C++ unit, C API, Python, HTTP) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DSWITCHBOARD_BUILD_TESTS=ON
ctest --test-dir build -j2 --output-on-failure --timeout 600
