#!/usr/bin/env bash
# What the prediction log costs: `vgsales serve` without it and with `--prediction_log DIR --prediction_log_sample
# 0.1`, the same model and one-instance POST :predict under wrk, runs alternated (off, on, off, on, ...) so both see
# the same machine. Prints each run's requests/s and the ratio of the medians; the target is a cost under 5 %.
# Loopback only.
#   bench/serve/prediction_log.sh [path/to/vgsales] [seconds per run, default 5] [rounds, default 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VGSALES=${1:-$ROOT/build/src/cli/vgsales}
DURATION=${2:-5}
ROUNDS=${3:-3}
PYTHON=/usr/bin/python3
command -v wrk >/dev/null || { echo "needs wrk (scripts/install-deps.sh --test)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vgsales-log-bench.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$VGSALES" synth --rows 2000 --seed 3 --out "$WORK/train.csv" >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 2 --out "$WORK/model" --quiet >/dev/null

start_server() {  # NAME FLAGS...: starts it in the background
  local name=$1
  shift
  "$VGSALES" serve --model_base_path "$WORK/model" --model_name vgsales --host 127.0.0.1 --port 0 --threads 1 \
    "$@" >/dev/null 2>"$WORK/$name.log" &
  PIDS+=($!)
}
port_of() {  # NAME: waits for the server's port
  for _ in $(seq 1 150); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$1.log" | head -n 1)
    [[ -n "$port" ]] && { echo "$port"; return; }
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 1
}
start_server off
start_server on --prediction_log "$WORK/log" --prediction_log_sample 0.1
OFF=$(port_of off)
ON=$(port_of on)

BODY=$("$PYTHON" -c "
import json, urllib.request
m = json.load(urllib.request.urlopen('http://127.0.0.1:$OFF/v1/models/vgsales/metadata'))
names = m['metadata']['feature_names']
print(json.dumps({'instances': [{n: 1 for n in names}]}))")
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$BODY" \
  >"$WORK/post.lua"
rate() { wrk -t1 -c16 -d"${DURATION}s" -s "$WORK/post.lua" "http://127.0.0.1:$1/v1/models/vgsales:predict" |
  awk '/^Requests\/sec:/ {print $2}'; }
off_rates=() on_rates=()
for round in $(seq 1 "$ROUNDS"); do
  off_rates+=("$(rate "$OFF")")
  on_rates+=("$(rate "$ON")")
  echo "round $round: off ${off_rates[-1]} req/s, on ${on_rates[-1]} req/s"
done
lines=$(cat "$WORK"/log/*.jsonl | wc -l)
"$PYTHON" - "${off_rates[*]}" "${on_rates[*]}" "$lines" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]
on = [float(x) for x in sys.argv[2].split()]
m_off, m_on = statistics.median(off), statistics.median(on)
print(f"| prediction log | requests/s (median of {len(off)}) |\n|---|---|")
print(f"| off | {m_off:,.0f} |\n| on, 10 % sampled ({int(sys.argv[3]):,} lines written) | {m_on:,.0f} |")
print(f"cost: {100 * (1 - m_on / m_off):.1f} % of the throughput (target: under 5 %)")
PY
