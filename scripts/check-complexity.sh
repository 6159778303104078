#!/usr/bin/env bash
# Lists every C++ function over the limits the code keeps: over 80 lines, over cyclomatic complexity 20 or over 6
# parameters, as lizard measures them (`lizard -l cpp -w -L 80 -C 20 -a 6`), and fails when there is one.
#   scripts/check-complexity.sh [PATH...]     default: the repository's src/
# lizard comes from the lint environment, build/lint-venv (scripts/install-lint.sh), or from $LIZARD.
# Exit codes: 0 every function within the limits; 1 some over them (listed), or no lizard under CI (CI set);
# 77 (CTest's skip code in tests/style/) when lizard is not installed; 2 a PATH that does not exist.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lizard=${LIZARD:-$root/build/lint-venv/bin/lizard}
(($#)) || set -- "$root/src"
limits=(-L 80 -C 20 -a 6)
for path; do [[ -e $path ]] || { echo "check-complexity: no such file or folder: $path" >&2; exit 2; }; done

if [[ ! -x $lizard ]]; then
  if [[ -n ${CI:-} ]]; then
    echo "no lizard at $lizard: CI runs scripts/install-lint.sh, so this is a failure" >&2
    exit 1
  fi
  echo "SKIPPED: no lizard at $lizard; install it with scripts/install-lint.sh"
  exit 77
fi

status=0
report=$("$lizard" -l cpp -w "${limits[@]}" "$@") || status=$?
if ((status == 0)); then
  echo "every function within the limits (${limits[*]}) in $*"
  exit 0
fi
[[ -n $report ]] || { echo "lizard failed (exit $status)" >&2; exit 1; }
echo "$report"
count=$(grep -c ': warning: ' <<<"$report" || true)
echo "$count function(s) over 80 lines, cyclomatic complexity 20 or 6 parameters"
exit 1
