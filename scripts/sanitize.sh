#!/usr/bin/env bash
# The sanitizer suite: builds every LibTorch-free test with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ (-DVGSALES_SANITIZE=ON; tests that link or run LibTorch are left out, see docs/reliability.md)
# and runs them with CTest. The first sanitizer report fails its test.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
# The server compiles the web page in: build it on a fresh checkout (scripts/test.sh's build did already).
[[ -f web/dist/index.html ]] || scripts/build-web.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVGSALES_SANITIZE=ON -DVGSALES_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j2 --target vgsales_sanitized_tests
# detect_leaks: LeakSanitizer too; halt_on_error is the default for ASan, and UBSan's is set by
# -fno-sanitize-recover=all at compile time. verify_asan_link_order=0: the failing-disk tests LD_PRELOAD their shim
# (tests/e2e/failing_io_shim.cpp), which then precedes ASan's runtime in the library list; it defines no allocator
# function, so ASan's interceptors still win.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:verify_asan_link_order=0
export LSAN_OPTIONS=suppressions=$PWD/cmake/lsan_suppressions.txt:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1
cd build-asan && ctest --output-on-failure -j2
