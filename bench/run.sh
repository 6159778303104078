#!/usr/bin/env bash
# The performance table of docs/performance.md, measured in one run on this machine: the reference job (vgsales,
# PyTorch, scikit-learn, Keras on TensorFlow; 5 seeds each, one thread), the FLOP lower bound at the measured SGEMM peak, CSV load and
# training at scale on synthetic rows, and inference latency/throughput. Builds nothing: give it a build directory
# configured with VGSALES_BUILD_BENCH=ON (targets vgsales, vgsales_bench, vgsales_csv_load). The Keras peer runs in
# the checker environment, BUILD/checkers-venv (scripts/install-checkers.sh).
#   bench/run.sh [--quick] [--build DIR]     --quick: 1M synthetic rows only (full run: 1M and 10M)
# Environment: SEEDS (default "42 43 44 45 46"), KEEP=1 keeps the work directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
QUICK=0
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --build) BUILD=$(cd "$2" && pwd); shift ;;
    *) echo "usage: bench/run.sh [--quick] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done
PYTHON=/usr/bin/python3
KERAS_PYTHON=$BUILD/checkers-venv/bin/python  # Debian packages no TensorFlow: the pinned one of tests/engines
VGSALES=$BUILD/src/cli/vgsales
BENCH=$BUILD/bench/vgsales_bench
CSV_LOAD=$BUILD/bench/vgsales_csv_load
DATA=$ROOT/../shared/data
SEEDS=${SEEDS:-42 43 44 45 46}
for binary in "$VGSALES" "$BENCH" "$CSV_LOAD"; do
  [[ -x "$binary" ]] || { echo "missing $binary: cmake --build $BUILD --target vgsales vgsales_bench vgsales_csv_load" >&2; exit 1; }
done
[[ -f $DATA/sales_data_training.csv ]] || { echo "needs the reference data in $DATA" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[[ -x $KERAS_PYTHON ]] || { echo "needs the checker environment for Keras: scripts/install-checkers.sh $BUILD/checkers-venv" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vgsales-bench.XXXXXX")
[[ "${KEEP:-0}" == 1 ]] || trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results.jsonl
# One thread everywhere: LibTorch, OpenBLAS and the Python peers' BLAS/OpenMP pools.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# record KEY JSON: one result line for the formatter.
record() { printf '{"key": "%s", "value": %s}\n' "$1" "$2" >>"$RESULTS"; }
# timed OUT_PREFIX command...: wall seconds and peak RSS (KiB) of the whole process, from GNU time.
timed() {
  local prefix=$1; shift
  /usr/bin/time -f '%e %M' -o "$prefix.time" "$@" >"$prefix.out" 2>"$prefix.err"
}

record machine "$($PYTHON - <<'PY'
import json, os, subprocess
cpu = [l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Model name")]
print(json.dumps({"cpu": cpu[0] if cpu else "?", "cores": os.cpu_count(), "load_before": os.getloadavg()[0]}))
PY
)"

echo "reference job (seeds: $SEEDS)" >&2
TRAIN=$DATA/sales_data_training.csv
TEST=$DATA/sales_data_test.csv
for seed in $SEEDS; do
  out=$WORK/vgsales-$seed
  timed "$out" "$VGSALES" train --train "$TRAIN" --test "$TEST" --target total_earnings --out "$out" --seed "$seed" \
    --threads 1 --no-logs --quiet
  record vgsales "$($PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); w=open(sys.argv[2]).read().split()
print(json.dumps({"train_seconds": d["training"]["seconds"], "rmse": d["metrics"]["test"]["rmse"], "command_seconds": float(w[0]), "peak_rss_kib": int(w[1])}))' \
    "$out/model.json" "$out.time")"
  for peer in pytorch sklearn keras; do
    out=$WORK/$peer-$seed
    python=$PYTHON
    [[ $peer == keras ]] && python=$KERAS_PYTHON
    timed "$out" "$python" "$ROOT/bench/peers/${peer}_reference.py" "$TRAIN" "$TEST" total_earnings "$out" --seed "$seed"
    record "$peer" "$($PYTHON -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); d["command_seconds"]=float(open(sys.argv[2]).read().split()[0]); print(json.dumps(d))' \
      "$out.out" "$out.time")"
  done
done
REFERENCE_MODEL=$WORK/vgsales-${SEEDS%% *}

echo "GEMM peak and inference" >&2
VGSALES_BENCH_MODEL=$REFERENCE_MODEL "$BENCH" --benchmark_format=json --benchmark_min_time=0.5 >"$WORK/bench.json" 2>"$WORK/bench.err"
record google_benchmark "$($PYTHON -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$WORK/bench.json")"

sizes=(1000000)
((QUICK)) || sizes+=(10000000)
for rows in "${sizes[@]}"; do
  echo "scale: $rows rows" >&2
  csv=$WORK/synth-$rows.csv
  "$VGSALES" synth --rows "$rows" --seed 1 --out "$csv" >/dev/null
  timed "$WORK/load-$rows" "$CSV_LOAD" "$csv"
  record "csv_load_$rows" "$($PYTHON -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); d["peak_rss_kib"]=int(open(sys.argv[2]).read().split()[1]); print(json.dumps(d))' \
    "$WORK/load-$rows.out" "$WORK/load-$rows.time")"
  timed "$WORK/pandas-$rows" $PYTHON "$ROOT/bench/peers/pandas_read_csv.py" "$csv"
  record "pandas_load_$rows" "$(cat "$WORK/pandas-$rows.out")"
  out=$WORK/scale-$rows
  timed "$out" "$VGSALES" train --train "$csv" --target total_earnings --out "$out" --epochs 1 --threads 1 --no-logs --quiet
  record "train_$rows" "$($PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); w=open(sys.argv[2]).read().split()
print(json.dumps({"rows": d["training"]["rows"]["train"], "train_seconds": d["training"]["seconds"], "command_seconds": float(w[0]), "peak_rss_kib": int(w[1])}))' \
    "$out/model.json" "$out.time")"
  rm -f "$csv"
done
record load_after "$($PYTHON -c 'import os; print(os.getloadavg()[0])')"

$PYTHON "$ROOT/bench/format_table.py" "$RESULTS"
echo
"$ROOT/bench/startup.sh" --vgsales "$VGSALES"
