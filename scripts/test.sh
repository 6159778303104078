#!/usr/bin/env bash
# The test command: installs what is needed, builds, puts vgsales on the PATH, and runs the whole CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
scripts/install.sh
cd build && ctest --output-on-failure -j2
