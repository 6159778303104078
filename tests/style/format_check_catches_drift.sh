#!/usr/bin/env bash
# scripts/format.sh --check fails on a file clang-format would change, naming it, and passes once it is formatted.
# Usage: format_check_catches_drift.sh /path/to/scripts/format.sh
set -euo pipefail
FORMAT=${1:?usage: format_check_catches_drift.sh /path/to/scripts/format.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # name expected actual
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
printf 'int  answer( ){return 42;}\n' >"$work/drift.cpp"
status=0
listing=$(bash "$FORMAT" --check "$work/drift.cpp" 2>&1) || status=$?
check "a misformatted file fails the check" 1 "$status"
check "the listing names it" yes "$([[ $listing == *drift.cpp* ]] && echo yes || echo no)"
bash "$FORMAT" "$work/drift.cpp" >/dev/null
status=0
bash "$FORMAT" --check "$work/drift.cpp" >/dev/null 2>&1 || status=$?
check "once formatted it passes" 0 "$status"
check "formatting changed the text" "int answer() { return 42; }" "$(cat "$work/drift.cpp")"
echo "$failures check(s) failed"
exit $((failures > 0))
