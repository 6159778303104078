#!/usr/bin/env bash
# Proof that the DocExamples runner fails when an example does: a failing command, output that differs from the
# documented answer, and a background server that is not stopped cleanly each fail it; a block marked
# `<!-- not run: ... -->` is skipped. Runs the runner on small made-up documents.
# Usage: doc_examples_catch_failures.sh PYTHON RUNNER BUILD_DIR SHARED_DATA_DIR
set -euo pipefail
python=$1 runner=$2 build=$3 shared=$4
[[ -f $shared/sales_data_training.csv ]] || { echo "reference data $shared is absent; skipping"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect NAME STATUS README_TEXT
  rm -rf "$work/src" && mkdir -p "$work/src/data" "$work/src/proto" "$work/src/docs"
  printf '%s\n' "$3" >"$work/src/README.md"
  local status=0
  "$python" "$runner" "$work/src" "$build" "$shared" >"$work/out.txt" 2>&1 || status=$?
  if [[ $status == "$2" ]]; then echo "ok: $1"; else echo "FAIL: $1: exit $status, expected $2"; cat "$work/out.txt"; failures=$((failures + 1)); fi
}
fence='```'
expect "a passing example passes" 0 "$fence"'sh
vgsales --version
echo "{\"predictions\": [[100.4]]}"
# {"predictions": [[100]]}
'"$fence"
expect "a failing command fails the test" 1 "$fence"'sh
vgsales trian
'"$fence"
expect "a command failing in a pipeline fails the test" 1 "$fence"'sh
vgsales predict --model nowhere --input x.csv | cat
'"$fence"
expect "output off by more than 1 % fails the test" 1 "$fence"'sh
echo "{\"predictions\": [[102]]}"
# {"predictions": [[100]]}
'"$fence"
expect "a not-run block is skipped" 0 '<!-- not run: for the test -->
'"$fence"'sh
false
'"$fence"
expect "a block of another language is not run" 0 "$fence"'
false
'"$fence"
expect "a server that does not start fails the test" 1 "$fence"'sh
vgsales serve --model_base_path nowhere --model_name m &
'"$fence"
# Python blocks (with the package's environment, scripts/install-python.sh): one interpreter per page, in order.
if [[ -x $build/python-venv/bin/python && -d $build/python-package/vgsales ]]; then
  expect "a page's python blocks share one interpreter" 0 "$fence"'python
import vgsales
answer = 42
'"$fence"'

'"$fence"'python
assert answer == 42 and vgsales.SalesRegressor().epochs == 50
'"$fence"
  expect "a failing python block fails the test" 1 "$fence"'python
raise ValueError("this example fails")
'"$fence"
else
  echo "skipped the python block checks: no Python package environment in $build (scripts/install-python.sh)"
fi
if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
