#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer) into build-sanitize/
# (shared with the sanitizer test suite: scripts/build-sanitize.sh) and runs each for SECONDS (default 60) from its
# seed corpus fuzz/corpus/<target>/; new inputs go to build-sanitize/corpus/<target>/, never into the repository.
# A crash stops the script, naming the reproducer.
#   scripts/fuzz.sh [SECONDS] [TARGET...]       e.g. scripts/fuzz.sh 25   or   scripts/fuzz.sh 600 csv_table_fuzzer
# Reproduce one input: build-sanitize/fuzz/<target> <file>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(csv_table_fuzzer in_memory_table_fuzzer rest_handler_fuzzer http_request_fuzzer event_file_fuzzer
    model_json_fuzzer safetensors_fuzzer model_directory_fuzzer row_assignment_fuzzer gcs_response_fuzzer
    background_csv_fuzzer training_profile_fuzzer prediction_log_fuzzer)
fi

scripts/build-sanitize.sh vgsales_fuzzers
out=build-sanitize

summary=()
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target" "$out/crashes/$target"
  log="$out/$target.log"
  echo "fuzzing $target for ${seconds}s"
  status=0
  # One process, one core; -timeout: an input taking over 10 s is a hang, reported like a crash.
  "$out/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "fuzz/corpus/$target" \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if ((status != 0)); then
    tail -n 60 "$log"
    echo "FAIL - $target: a crash, hang or sanitizer report; reproducer in $out/crashes/$target/" >&2
    exit 1
  fi
  summary+=("$target: ${runs:-?} executions in ${seconds}s, no crash")
done
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#summary[@]} passed, 0 failed"
