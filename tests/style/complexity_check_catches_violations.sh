#!/usr/bin/env bash
# scripts/check-complexity.sh fails on a function over 80 lines, over cyclomatic complexity 20 or over 6
# parameters, naming it, and passes one exactly at each limit.
# Usage: complexity_check_catches_violations.sh /path/to/scripts/check-complexity.sh   (lizard: as the script finds it)
set -euo pipefail
CHECK=${1:?usage: complexity_check_catches_violations.sh /path/to/scripts/check-complexity.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # name expected actual
  if [[ "$2" == "$3" ]]; then
    echo "ok: $1"
  else
    echo "FAIL: $1: expected [$2], got [$3]"
    failures=$((failures + 1))
  fi
}
status=0
bash "$CHECK" "$work" >/dev/null 2>&1 || status=$?
if ((status == 77)); then
  bash "$CHECK" "$work"  # says why (no lizard), and fails instead under CI
  exit 77
fi

# function_text NAME PARAMETERS BODY_LINES BRANCHES: a C++ function of 2 + BODY_LINES lines (its signature and
# closing brace included) with BRANCHES if statements (cyclomatic complexity BRANCHES + 1).
function_text() {
  local name=$1 parameters=$2 body_lines=$3 branches=$4 i
  local list="int p1"
  for ((i = 2; i <= parameters; i++)); do list+=", int p$i"; done
  echo "int $name($list) {"
  echo "  int total = p1;"
  for ((i = 1; i <= branches; i++)); do echo "  if (total > $i) total -= $i;"; done
  for ((i = branches + 2; i <= body_lines - 1; i++)); do echo "  total += $i;"; done
  echo "  return total;"
  echo "}"
}

# expect_caught WHAT OVER AT: the check fails on the function OVER the limit, naming it, and passes the one AT it.
expect_caught() {
  local what=$1 over=$2 at=$3 listing
  mkdir -p "$work/$what"
  echo "$over" >"$work/$what/over.cpp"
  status=0
  listing=$(bash "$CHECK" "$work/$what/over.cpp" 2>&1) || status=$?
  check "$what: over the limit fails" 1 "$status"
  check "$what: the listing names the function" yes "$([[ $listing == *"$what"_over* ]] && echo yes || echo no)"
  echo "$at" >"$work/$what/at.cpp"
  status=0
  bash "$CHECK" "$work/$what/at.cpp" >/dev/null 2>&1 || status=$?
  check "$what: at the limit passes" 0 "$status"
}

expect_caught length "$(function_text length_over 1 79 0)" "$(function_text length_at 1 78 0)"
expect_caught complexity "$(function_text complexity_over 1 30 20)" "$(function_text complexity_at 1 30 19)"
expect_caught parameters "$(function_text parameters_over 7 5 0)" "$(function_text parameters_at 6 5 0)"
echo "$failures check(s) failed"
exit $((failures > 0))
