# The reliability build (docs/reliability.md): VGSALES_SANITIZE instruments every target with AddressSanitizer and
# UndefinedBehaviorSanitizer, VGSALES_FUZZ adds libFuzzer's instrumentation and the targets of fuzz/. One clang build
# directory with both (build-sanitize/, made by scripts/sanitize.sh and scripts/fuzz.sh) serves the sanitizer test
# suite and the fuzzers, so CI compiles the instrumented program once.
if(VGSALES_FUZZ AND NOT VGSALES_SANITIZE)
  # A fuzz build is a sanitizer build plus the fuzzers: the same tests fit it (LibTorch's left out).
  set(VGSALES_SANITIZE ON)
endif()
if(NOT VGSALES_SANITIZE)
  return()
endif()

# The first error stops the program (no recovery), so no report goes unseen.
add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Third-party reports that are not ours to fix, each named with its source in the file.
  add_compile_options(-fsanitize-ignorelist=${CMAKE_SOURCE_DIR}/cmake/sanitizer_ignorelist.txt)
  # A report's stack needs file and line only: line tables instead of full debug information compile and link
  # faster (the build type's -g comes first on the command line, so this one wins).
  add_compile_options(-gline-tables-only)
  # clang-only warnings about RapidJSON's iterator comparisons and an unused helper: noise in a build log.
  add_compile_options(-Wno-ambiguous-reversed-operator -Wno-unused-function)
endif()

if(VGSALES_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
            "VGSALES_FUZZ needs clang (libFuzzer): configure with CXX=clang++ (scripts/build-sanitize.sh does)")
  endif()
  # Coverage instrumentation for every target; only the fuzzers link libFuzzer itself (fuzz/CMakeLists.txt), and
  # the sanitizer runtime gives the tests the coverage callbacks' empty defaults.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
