#!/usr/bin/env bash
# The sanitizer suite: builds every LibTorch-free test with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-sanitize/ (clang, shared with the fuzz targets: scripts/build-sanitize.sh; tests that link or run LibTorch
# are left out, see docs/reliability.md) and runs them with CTest. The first sanitizer report fails its test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-sanitize.sh vgsales_sanitized_tests
# detect_leaks: LeakSanitizer too; halt_on_error is the default for ASan, and UBSan's is set by
# -fno-sanitize-recover=all at compile time. verify_asan_link_order=0: the failing-disk tests LD_PRELOAD their shim
# (tests/e2e/failing_io_shim.cpp); clang links ASan's runtime into the program, so the order does not matter, but a
# gcc sanitizer build configured by hand (shared libasan) refuses a library listed before its runtime. The shim
# defines no allocator function, so ASan's interceptors still take every allocation.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:verify_asan_link_order=0
export LSAN_OPTIONS=suppressions=$PWD/cmake/lsan_suppressions.txt:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1
cd build-sanitize && ctest --output-on-failure -j2
