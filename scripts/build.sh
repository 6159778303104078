#!/usr/bin/env bash
# Configures and builds vgsales into build/ (two parallel jobs: the machine has two cores), after building the web
# page the server compiles in (scripts/build-web.sh). The Google Benchmark programs are left out (no test runs them);
# bench/run.sh wants them: scripts/build.sh -DVGSALES_BUILD_BENCH=ON (later options override earlier ones).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVGSALES_BUILD_BENCH=OFF "$@" >/dev/null
cmake --build build -j2
