#!/usr/bin/env bash
# The test command: installs what is needed, builds, puts vgsales on the PATH, and runs the whole CTest suite; then
# the sanitizer suite and a short run of every fuzz target (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/install-checkers.sh  # TensorFlow, TensorBoard, ONNX Runtime, Playwright: build/checkers-venv
scripts/build.sh
scripts/install.sh
(cd build && ctest --output-on-failure -j2)
scripts/sanitize.sh
scripts/fuzz.sh 25
