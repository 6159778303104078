#!/usr/bin/env bash
# Configures and builds vgsales into build/ (two parallel jobs: the machine has two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j2
