#!/usr/bin/env bash
# Builds the drift checker environment: scipy (and numpy), whose jensenshannon the tests of `vgsales monitor`
# compare its figures with, at the exact versions of tests/monitor/requirements.txt (cached like the others).
#   scripts/install-drift-checker.sh [LINK]     default build/drift-venv (where CMake looks for it)
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/install-venv.sh drift tests/monitor/requirements.txt "${1:-build/drift-venv}" scipy
