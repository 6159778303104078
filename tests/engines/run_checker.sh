#!/bin/sh
# Runs one engine test script with the checker environment's Python (scripts/install-checkers.sh).
#   run_checker.sh PYTHON SCRIPT [ARGS...]
# Without that environment the test is skipped (exit 77) with the command that installs it, so a developer build
# without the checkers still passes; under CI (CI set), where scripts/test.sh installs it, a missing one fails.
python=$1
shift
if [ ! -x "$python" ]; then
  if [ -n "${CI:-}" ]; then
    echo "no checker environment at $python: CI runs scripts/install-checkers.sh, so this is a failure" >&2
    exit 1
  fi
  echo "SKIPPED: no checker environment at $python; install it with scripts/install-checkers.sh"
  exit 77
fi
exec "$python" "$@"
