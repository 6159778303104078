#!/usr/bin/env bash
# One measurement of a model server's start: launch `vgsales serve`, wait for the first 200 answer of the status
# route, stop it (SIGTERM) and wait for its exit. Timed whole by hyperfine (bench/startup.sh). The polling uses bash's
# /dev/tcp, so no process is started per attempt.
# Usage: serve_first_answer.sh VGSALES BASE PORT
set -uo pipefail
vgsales=$1 base=$2 port=$3
"$vgsales" serve --model_base_path "$base" --model_name vgsales --host 127.0.0.1 --port "$port" --poll-seconds 0 \
  2>/dev/null &
server=$!
answered=0
for _ in $(seq 20000); do
  if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /v1/models/vgsales HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    read -r status_line <&3
    exec 3<&-
    if [[ $status_line == *" 200 "* ]]; then answered=1; break; fi
  fi
  kill -0 "$server" 2>/dev/null || break
done
kill -TERM "$server" 2>/dev/null
wait "$server"
((answered)) || { echo "no 200 answer from the server" >&2; exit 1; }
