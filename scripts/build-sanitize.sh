#!/usr/bin/env bash
# Configures the reliability build, build-sanitize/ (clang; AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer's coverage instrumentation on every target: -DVGSALES_SANITIZE=ON -DVGSALES_FUZZ=ON, see
# cmake/sanitizers.cmake), and builds the targets given. One instrumented build serves both of its users:
#   scripts/build-sanitize.sh vgsales_sanitized_tests   the sanitizer test suite (scripts/sanitize.sh)
#   scripts/build-sanitize.sh vgsales_fuzzers           the fuzz targets (scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
(($#)) || { echo "usage: scripts/build-sanitize.sh TARGET..." >&2; exit 2; }
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
# The server compiles the web page in: build it on a fresh checkout (scripts/build.sh did already).
[[ -f web/dist/index.html ]] || scripts/build-web.sh
CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVGSALES_SANITIZE=ON \
  -DVGSALES_FUZZ=ON -DVGSALES_BUILD_BENCH=OFF >/dev/null
cmake --build build-sanitize -j2 --target "$@"
