#!/usr/bin/env bash
# Accuracy of vgsales against scikit-learn and XGBoost (issue 16's table and goals): five 80/20 splits of
# real/vgsales.csv and the reference job over seeds 42-46, one thread everywhere. Builds nothing.
#   bench/accuracy/run.sh [--build DIR] [--data DIR] [--table vgsales|reference|both] [--model NAME]... [--keep DIR]
# Needs Debian's python3-sklearn, python3-pandas and python3-xgboost (scripts/install-deps.sh --test).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build
args=()
while (($#)); do
  case "$1" in
    --build) BUILD=$(cd "$2" && pwd); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
VGSALES=$BUILD/src/cli/vgsales
[[ -x "$VGSALES" ]] || { echo "missing $VGSALES: cmake --build $BUILD --target vgsales" >&2; exit 1; }
exec /usr/bin/python3 "$ROOT/bench/accuracy/accuracy_benchmark.py" --vgsales "$VGSALES" "${args[@]}"
