#!/usr/bin/env bash
# Configures and builds vgsales into build/ (two parallel jobs: the machine has two cores), after building the web
# page the server compiles in (scripts/build-web.sh). The Google Benchmark programs are left out (no test runs them);
# bench/run.sh wants them: scripts/build.sh -DVGSALES_BUILD_BENCH=ON (later options override earlier ones).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache rewrites paths under the repository relative to each compile's folder, wherever the clone is, so the
# Python package's build (scripts/install-python.sh, in build-python/) reuses these objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
scripts/build-web.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DVGSALES_BUILD_BENCH=OFF "$@" >/dev/null
cmake --build build -j2
