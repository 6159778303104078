#!/usr/bin/env bash
# Whole-process times of the commands people run one at a time, measured with hyperfine: `--version`, a one-row
# `predict`, `info` and `evaluate` on the reference model, a model server's start to its first answer, and the
# reference `train` for comparison. Prints one markdown table with the targets (issue 17: predict < 50 ms,
# --version < 20 ms; issue 25: explain --row < 50 ms) and the machine's load average, which matters on a shared machine.
#   bench/startup.sh [--build DIR | --vgsales PATH] [--runs N]     (default: build/src/cli/vgsales, 30 runs)
# Needs hyperfine (scripts/install-deps.sh --test) and the reference data in ../shared/data.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VGSALES=$ROOT/build/src/cli/vgsales
RUNS=30
while (($#)); do
  case "$1" in
    --build) VGSALES=$(cd "$2" && pwd)/src/cli/vgsales; shift ;;
    --vgsales) VGSALES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    *) echo "usage: bench/startup.sh [--build DIR | --vgsales PATH] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done
PYTHON=/usr/bin/python3
DATA=$ROOT/../shared/data
command -v hyperfine >/dev/null || { echo "needs hyperfine (scripts/install-deps.sh --test)" >&2; exit 1; }
[[ -x "$VGSALES" ]] || { echo "no vgsales binary at $VGSALES (scripts/build.sh)" >&2; exit 1; }
[[ -f $DATA/sales_data_training.csv ]] || { echo "needs the reference data in $DATA" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vgsales-startup.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The reference model and its export, as the README makes them.
"$VGSALES" train --train "$DATA/sales_data_training.csv" --test "$DATA/sales_data_test.csv" --target total_earnings \
  --out "$WORK/model" --no-logs --quiet >/dev/null
"$VGSALES" export --model "$WORK/model" --out "$WORK/exports" --format onnx >/dev/null
# proposed_new_product.csv's one game as --row name=value pairs.
ROW=$("$PYTHON" -c 'import csv, sys; r = next(csv.DictReader(open(sys.argv[1]))); print(",".join(f"{k}={v}" for k, v in r.items()))' \
  "$DATA/proposed_new_product.csv")
PORT=$("$PYTHON" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")

run() {  # run NAME RUNS COMMAND: hyperfine without a shell in between (-N), 3 warm-up runs
  local name=$1 runs=$2; shift 2
  echo "$name" >&2
  hyperfine -N --warmup 3 --runs "$runs" --style none --export-json "$WORK/$name.json" "$*" >/dev/null
}
run version "$RUNS" "$VGSALES --version"
run predict "$RUNS" "$VGSALES predict --model $WORK/model --row $ROW"
run explain "$RUNS" "$VGSALES explain --model $WORK/model --row $ROW"
run info "$RUNS" "$VGSALES info --model $WORK/model"
run evaluate "$RUNS" "$VGSALES evaluate --model $WORK/model --data $DATA/sales_data_test.csv"
run serve "$RUNS" "bash $ROOT/bench/startup/serve_first_answer.sh $VGSALES $WORK/exports $PORT"
run train 5 "$VGSALES train --train $DATA/sales_data_training.csv --test $DATA/sales_data_test.csv --target total_earnings --out $WORK/retrained --no-logs --quiet"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$WORK" "$load_before" "$load_after" "$(getconf _NPROCESSORS_ONLN)" "$VGSALES" <<'PY'
import json, sys
work, load_before, load_after, cores, vgsales = sys.argv[1:6]
rows = [
    ("version", "`vgsales --version`", 20),
    ("predict", "`vgsales predict --model M --row ...` (one game)", 50),
    ("explain", "`vgsales explain --model M --row ...` (one game, exact Shapley values over 64 background rows)", 50),
    ("info", "`vgsales info --model M`", None),
    ("evaluate", "`vgsales evaluate --model M --data sales_data_test.csv` (400 rows)", None),
    ("serve", "`vgsales serve`: start to the first 200 answer, then SIGTERM and exit (bash + /dev/tcp polling)", None),
    ("train", "`vgsales train` on the reference job (50 epochs, 1,000 rows), for comparison", None),
]
print(f"Whole-process times, hyperfine (3 warm-up runs, no shell in between), {vgsales}")
print(f"machine: {cores} cores; load average before {load_before}, after {load_after}\n")
print("| command | mean ± sd | median | min | runs | target | met |")
print("|---|---:|---:|---:|---:|---|---|")
for key, label, target in rows:
    result = json.load(open(f"{work}/{key}.json"))["results"][0]
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    met = "" if target is None else ("yes" if result["mean"] * 1000 < target else "no")
    print(f"| {label} | {ms(result['mean'])} ± {result['stddev'] * 1000:.1f} | {ms(result['median'])} | "
          f"{ms(result['min'])} | {len(result['times'])} | {'< %d ms' % target if target else ''} | {met} |")
PY
