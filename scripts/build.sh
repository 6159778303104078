#!/usr/bin/env bash
# Configures and builds vgsales into build/ (two parallel jobs: the machine has two cores), after building the web
# page the server compiles in (scripts/build-web.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j2
