#!/usr/bin/env bash
# Benchmark of `vgsales serve`: one-instance POST :predict with wrk at 64 connections, next to nginx serving a
# static JSON file on the same machine in the same run (the ceiling for an HTTP server here), plus the
# server's resident memory after 10k and after 1M requests, and one-instance POST :explain (exact Shapley values,
# each a few thousand coalition rows) at EXPLAIN_CONNECTIONS connections, default one per server thread (issue 25:
# p99 < 100 ms). Prints a markdown table. Loopback only.
#   bench/serve/run.sh [path/to/vgsales] [seconds per throughput run, default 10]
# Environment: CONNECTIONS (64), WRK_THREADS (2), SERVER_THREADS (2), EXPLAIN_CONNECTIONS (SERVER_THREADS), RSS_REQUESTS (1000000),
#   MAX_LOAD_SECONDS (600, the bound on each memory run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VGSALES=${1:-$ROOT/build/src/cli/vgsales}
DURATION=${2:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
RSS_REQUESTS=${RSS_REQUESTS:-1000000}
EXPLAIN_CONNECTIONS=${EXPLAIN_CONNECTIONS:-$SERVER_THREADS}  # one instance per server thread, back to back
PYTHON=/usr/bin/python3
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh --test)" >&2; exit 1; }
done
[[ -x "$VGSALES" ]] || { echo "no vgsales binary at $VGSALES (scripts/build.sh)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vgsales-serve-bench.XXXXXX")
SERVER_PID=""
NGINX_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$NGINX_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  sleep 0.3
  for pid in "$SERVER_PID" "$NGINX_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  "$PYTHON" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- the model and the server ---------------------------------------------------------------------------
"$VGSALES" synth --rows 2000 --seed 3 --out "$WORK/train.csv" >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 2 --out "$WORK/base/1" --quiet >/dev/null
"$VGSALES" serve --model_base_path "$WORK/base" --model_name vgsales --host 127.0.0.1 --port 0 \
  --threads "$SERVER_THREADS" 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 150); do  # up to 15 s
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -n 1)
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "the server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/v1/models/vgsales:predict"

# One instance: every feature of the metadata, numbers only.
curl -sS --max-time 10 "http://127.0.0.1:$PORT/v1/models/vgsales/metadata" >"$WORK/metadata.json"
BODY=$("$PYTHON" -c "
import json, sys
names = json.load(open(sys.argv[1]))['metadata']['feature_names']
print(json.dumps({'instances': [[4.5 if n == 'critic_rating' else 29.99 if n == 'unit_price' else 1 for n in names]]}))
" "$WORK/metadata.json")
STATUS=$(curl -sS --max-time 10 -o "$WORK/answer.json" -w '%{http_code}' -X POST -d "$BODY" "$URL")
[[ "$STATUS" == 200 ]] || { echo "predict answered $STATUS: $(cat "$WORK/answer.json")" >&2; exit 1; }

cat >"$WORK/predict.lua" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
EOF
# --- nginx: a static copy of the same answer, same connections, same machine ----------------------------
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/html" "$WORK/nginx/logs"
cp "$WORK/answer.json" "$WORK/nginx/html/answer.json"
# When run as root, nginx's workers run as nobody: they must be able to reach the file (mktemp -d is 0700).
chmod 755 "$WORK" "$WORK/nginx" "$WORK/nginx/html"
chmod 644 "$WORK/nginx/html/answer.json"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes $SERVER_THREADS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/html;
    default_type application/json;
  }
}
EOF
mkdir -p "$WORK/nginx/tmp"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx/logs/stderr" &
NGINX_PID=$!
NGINX_STATUS=""
for _ in $(seq 1 50); do
  NGINX_STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$NGINX_PORT/answer.json" || true)
  [[ "$NGINX_STATUS" == 200 ]] && break
  sleep 0.1
done
[[ "$NGINX_STATUS" == 200 ]] || { echo "nginx answered '$NGINX_STATUS'; see $WORK/nginx/logs" >&2; exit 1; }

# run_wrk URL [extra wrk args...] -> "requests/s p50_ms p99_ms"
run_wrk() {
  local url=$1; shift
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" --latency "$@" "$url" >"$WORK/wrk.txt" 2>&1
  "$PYTHON" - "$WORK/wrk.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*" + label + r"%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m: return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
socket_errors = re.search(r"Socket errors:.*", text)
print(f"{float(rps.group(1)) if rps else float('nan'):.0f} {ms('50'):.3f} {ms('99'):.3f} "
      f"{errors.group(1) if errors else 0} {'yes' if socket_errors else 'no'}")
EOF
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- RSS after 10k and 1M requests --------------------------------------------------------------------
# wrk cannot stop after N requests (its main thread sleeps for -d), so load runs in the background until
# the server's own counter (/metrics) passes the target; bounded by MAX_LOAD_SECONDS.
MAX_LOAD_SECONDS=${MAX_LOAD_SECONDS:-600}
served() {
  curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" |
    awk '/^vgsales_http_requests_total\{route="predict",code="200"\}/ {print $2; found=1} END {if (!found) print 0}'
}
load_until() {  # load_until TARGET: POSTs until the server has answered TARGET predicts
  local target=$1
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${MAX_LOAD_SECONDS}s" -s "$WORK/predict.lua" "$URL" >/dev/null 2>&1 &
  local wrk_pid=$! started=$SECONDS
  while (( $(served) < target && SECONDS - started < MAX_LOAD_SECONDS )); do sleep 0.2; done
  kill -TERM "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
}
RSS_START=$(rss_kib "$SERVER_PID")
load_until 10000
SERVED_10K=$(served)
RSS_10K=$(rss_kib "$SERVER_PID")
load_until "$RSS_REQUESTS"
SERVED_1M=$(served)
RSS_1M=$(rss_kib "$SERVER_PID")

# --- throughput and latency ---------------------------------------------------------------------------
read -r V_RPS V_P50 V_P99 V_NON2XX V_SOCKERR <<<"$(run_wrk "$URL" -s "$WORK/predict.lua" -d "${DURATION}s")"
read -r E_RPS E_P50 E_P99 E_NON2XX E_SOCKERR <<<"$(CONNECTIONS=$EXPLAIN_CONNECTIONS run_wrk "${URL%:predict}:explain" \
  -s "$WORK/predict.lua" -d "${DURATION}s")"
read -r N_RPS N_P50 N_P99 N_NON2XX N_SOCKERR <<<"$(run_wrk "http://127.0.0.1:$NGINX_PORT/answer.json" -d "${DURATION}s")"

RATIO=$("$PYTHON" -c "print(f'{$V_RPS / $N_RPS:.2f}' if $N_RPS > 0 else 'n/a')")
GROWTH=$("$PYTHON" -c "print(f'{100.0 * ($RSS_1M - $RSS_10K) / $RSS_10K:+.1f}%')")
echo
echo "wrk -t$WRK_THREADS -c$CONNECTIONS, ${DURATION}s per run, server --threads $SERVER_THREADS, nginx worker_processes $SERVER_THREADS, $(nproc) cores, load average before the runs: $LOAD_BEFORE"
echo
echo "| target | requests/s | p50 | p99 | non-2xx | socket errors |"
echo "|---|---:|---:|---:|---:|---|"
echo "| vgsales serve, POST :predict, 1 instance | $V_RPS | ${V_P50} ms | ${V_P99} ms | $V_NON2XX | $V_SOCKERR |"
echo "| vgsales serve, POST :explain, 1 instance, $EXPLAIN_CONNECTIONS connections (p99 target < 100 ms) | $E_RPS | ${E_P50} ms | ${E_P99} ms | $E_NON2XX | $E_SOCKERR |"
echo "| nginx, GET static JSON (ceiling) | $N_RPS | ${N_P50} ms | ${N_P99} ms | $N_NON2XX | $N_SOCKERR |"
echo "| vgsales / nginx | $RATIO | | | | |"
echo
echo "| server RSS | KiB |"
echo "|---|---:|"
echo "| after start (model loaded) | $RSS_START |"
echo "| after $SERVED_10K requests | $RSS_10K |"
echo "| after $SERVED_1M requests | $RSS_1M ($GROWTH vs the previous row) |"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && echo && echo "server exited 0 after SIGTERM"
SERVER_PID=""
