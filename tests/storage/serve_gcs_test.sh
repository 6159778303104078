#!/usr/bin/env bash
# gs:// models end to end, against fake-gcs-server (the Cloud Storage emulator, built by scripts/install-fake-gcs.sh)
# on 127.0.0.1 with its filesystem backend: `export --out gs://` uploads versions; `predict` and `evaluate` read
# gs:// as they read a folder; `serve` serves version 1 (equal to a local predict), picks up version 2 after its
# upload, refuses a version whose files do not match its SHA256SUMS while version 2 keeps serving, survives the
# emulator's restart and picks up version 4 after it, and starts from AIP_STORAGE_URI. With STORAGE_EMULATOR_HOST
# set no credential may be looked up: GCE_METADATA_HOST points at a listener that records any connection, and
# GOOGLE_APPLICATION_CREDENTIALS at a file that does not exist. Nothing leaves 127.0.0.1.
# Usage: serve_gcs_test.sh /path/to/vgsales /path/to/fake-gcs-server
set -euo pipefail

VGSALES=${1:?usage: serve_gcs_test.sh /path/to/vgsales /path/to/fake-gcs-server}
FAKE_GCS=${2:?usage: serve_gcs_test.sh /path/to/vgsales /path/to/fake-gcs-server}
# Another build directory (build-sanitize/) uses the one scripts/install-fake-gcs.sh links into build/.
if [[ ! -x "$FAKE_GCS" ]]; then FAKE_GCS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/fake-gcs-server"; fi
if [[ ! -x "$FAKE_GCS" ]]; then
  echo "fake-gcs-server is not built at $FAKE_GCS: run scripts/install-fake-gcs.sh (scripts/test.sh does)"
  if [[ -n "${CI:-}" ]]; then exit 1; fi
  exit 77
fi
WORK_NAME=serve-gcs
# shellcheck source=../serve/serve_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../serve/serve_test_lib.sh"
GCS_PID=""
WATCH_PID=""
stop_helpers() {
  for pid in "$GCS_PID" "$WATCH_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
}
trap 'stop_helpers; cleanup' EXIT

free_port() { "$PYTHON" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"; }
GCS_PORT=$(free_port)
GCS="http://127.0.0.1:$GCS_PORT"
start_gcs() {
  "$FAKE_GCS" -scheme http -host 127.0.0.1 -port "$GCS_PORT" -public-host "127.0.0.1:$GCS_PORT" \
    -backend filesystem -filesystem-root "$WORK/gcs" -log-level error >>"$WORK/gcs.log" 2>&1 &
  GCS_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "$GCS/storage/v1/b" && return 0; sleep 0.1; done
  echo "fake-gcs-server did not start:"; cat "$WORK/gcs.log"; exit 1
}

# A listener standing in for the metadata server: it records any connection, and none may come.
METADATA_PORT=$(free_port)
"$PYTHON" -c "
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $METADATA_PORT)); s.listen()
while True:
    c, _ = s.accept(); open(sys.argv[1], 'a').write('connection\n'); c.close()
" "$WORK/metadata-hits" &
WATCH_PID=$!
export STORAGE_EMULATOR_HOST="127.0.0.1:$GCS_PORT" GCE_METADATA_HOST="127.0.0.1:$METADATA_PORT"
export GOOGLE_APPLICATION_CREDENTIALS="$WORK/no-such-key.json" VGSALES_CACHE_DIR="$WORK/cache"

start_gcs
curl -sf -X POST -H 'Content-Type: application/json' -d '{"name": "models"}' "$GCS/storage/v1/b" >/dev/null

# --- two models, and the rows to ask about -----------------------------------------------------------------
"$VGSALES" synth --rows 400 --seed 7 --out "$WORK/train.csv" >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 2 --seed 1 --out "$WORK/a" --quiet >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 3 --seed 2 --out "$WORK/b" --quiet >/dev/null
head -6 "$WORK/train.csv" >"$WORK/rows.csv"
REQUEST=$("$PYTHON" -c "
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(json.dumps({'instances': [{k: float(v) for k, v in r.items() if k != 'total_earnings'} for r in rows]}))" "$WORK/rows.csv")
local_json() { "$VGSALES" predict --model "$1" --input "$WORK/rows.csv" --format json; }
same_predictions() {  # same_predictions FILE_A FILE_B: equal {"predictions": ...} answers
  "$PYTHON" -c "import json,sys; a,b=(json.load(open(p))['predictions'] for p in sys.argv[1:]); print(a == b and len(a) == 5)" "$1" "$2"
}
local_json "$WORK/a" >"$WORK/a.json"
local_json "$WORK/b" >"$WORK/b.json"
check "the two models answer differently" False "$(same_predictions "$WORK/a.json" "$WORK/b.json")"

# --- export, predict and evaluate ----------------------------------------------------------------------------
"$VGSALES" export --model "$WORK/a" --out gs://models/vgsales --format onnx >"$WORK/export.out"
check "export uploads version 1" True "$(grep -q '^exported version 1 to gs://models/vgsales/1: .* SHA256SUMS$' "$WORK/export.out" && echo True || echo False)"
code=0; "$VGSALES" export --model "$WORK/a" --out gs://models/vgsales --version 1 --format onnx 2>"$WORK/err" || code=$?
check "export refuses an existing version (exit 1)" 1 "$code"
check "  naming it" True "$(grep -q 'gs://models/vgsales/1 already exists' "$WORK/err" && echo True || echo False)"
check "predict --model gs:// equals the local model's" \
  "$("$VGSALES" predict --model "$WORK/a" --input "$WORK/rows.csv")" \
  "$("$VGSALES" predict --model gs://models/vgsales --input "$WORK/rows.csv")"
check "evaluate --model gs:// equals the local model's" \
  "$("$VGSALES" evaluate --model "$WORK/a" --data "$WORK/train.csv" --json)" \
  "$("$VGSALES" evaluate --model gs://models/vgsales/1 --data "$WORK/train.csv" --json)"
code=0; "$VGSALES" predict --model gs://models/nothing-here --input "$WORK/rows.csv" 2>"$WORK/err" || code=$?
check "an empty gs:// base exits 1" 1 "$code"
check "  saying no complete model is there" True "$(grep -q 'no complete model under gs://models/nothing-here' "$WORK/err" && echo True || echo False)"
code=0; "$VGSALES" predict --model gs://no-such-bucket/m --input "$WORK/rows.csv" 2>"$WORK/err" || code=$?
check "a missing bucket exits 1 with the HTTP status" "1 True" "$code $(grep -q 'gs://no-such-bucket/m/: HTTP 404' "$WORK/err" && echo True || echo False)"

# --- serve from gs:// ------------------------------------------------------------------------------------------
"$VGSALES" serve --model_base_path gs://models/vgsales --model_name vgsales --host 127.0.0.1 --port 0 \
  --poll-seconds 0.2 2>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 1 150); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
URL="http://$(sed -n 's/.*listening on \([0-9.:]*\) .*/\1/p' "$WORK/serve.log")"
served_version() { curl -s --max-time 10 "$URL/v1/models/vgsales" | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)['model_version_status'][0]['version'])" 2>/dev/null || echo none; }
wait_for_version() { for _ in $(seq 1 300); do [[ "$(served_version)" == "$1" ]] && return 0; sleep 0.1; done; }
ask() { curl -s --max-time 10 -X POST -d "$REQUEST" "$URL/v1/models/vgsales:predict" >"$WORK/answer.json"; }
check "serves version 1 from gs://" 1 "$(served_version)"
ask
check "  equal to the local predict" True "$(same_predictions "$WORK/answer.json" "$WORK/a.json")"

"$VGSALES" export --model "$WORK/b" --out gs://models/vgsales --format onnx >/dev/null
wait_for_version 2
check "picks up version 2 after its upload" 2 "$(served_version)"
ask
check "  and answers with it" True "$(same_predictions "$WORK/answer.json" "$WORK/b.json")"

# Version 3 is damaged: its weights are not the bytes its SHA256SUMS lists (uploaded as a writer would, sums last).
"$VGSALES" export --model "$WORK/b" --out "$WORK/local-export" --format onnx >/dev/null
printf 'damaged' | dd of="$WORK/local-export/1/model.safetensors" bs=1 seek=100 conv=notrunc 2>/dev/null
for file in model.json model.safetensors model.onnx model.encoded.onnx SHA256SUMS; do
  curl -sf -X POST --data-binary "@$WORK/local-export/1/$file" \
    "$GCS/upload/storage/v1/b/models/o?uploadType=media&name=vgsales/3/$file" >/dev/null
done
for _ in $(seq 1 100); do grep -q "version 3" "$WORK/serve.log" && break; sleep 0.1; done
sleep 1  # several more polls
check "a version with a bad checksum is refused" True "$(grep -q 'gs://models/vgsales/3 is refused, its files do not match its SHA256SUMS' "$WORK/serve.log" && echo True || echo False)"
check "  once in the log, not at every poll" 1 "$(grep -c 'vgsales/3 is refused' "$WORK/serve.log")"
check "  while version 2 keeps serving" 2 "$(served_version)"
ask
check "  with version 2's answers" True "$(same_predictions "$WORK/answer.json" "$WORK/b.json")"

# The emulator goes away and comes back (its files on disk): serving never stops, and new versions come through.
kill -KILL "$GCS_PID"; wait "$GCS_PID" 2>/dev/null || true
sleep 1
check "with the emulator down version 2 still serves" 2 "$(served_version)"
start_gcs
"$VGSALES" export --model "$WORK/a" --out gs://models/vgsales --format onnx >"$WORK/export.out"
check "after the restart export skips the damaged number" True "$(grep -q '^exported version 4 ' "$WORK/export.out" && echo True || echo False)"
wait_for_version 4
check "after the emulator's restart version 4 is picked up" 4 "$(served_version)"
ask
check "  and answers as model a" True "$(same_predictions "$WORK/answer.json" "$WORK/a.json")"
kill -INT "$SERVER_PID"
code=0; wait "$SERVER_PID" || code=$?
SERVER_PID=""
check "serve exits 0 on SIGINT" 0 "$code"
cached=$(find "$WORK/cache/models/vgsales" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
check "the cache keeps at most three versions" True "$([[ $cached -ge 1 && $cached -le 3 ]] && echo True || echo False)"

# --- AIP_STORAGE_URI names the version folder itself, as Vertex AI does ---------------------------------------
AIP_STORAGE_URI=gs://models/vgsales/2 "$VGSALES" serve --model_name vgsales --host 127.0.0.1 --port 0 \
  --poll-seconds 0 2>"$WORK/aip.log" &
SERVER_PID=$!
for _ in $(seq 1 150); do grep -q "listening on" "$WORK/aip.log" && break; sleep 0.1; done
check "AIP_STORAGE_URI=gs://... is served" True "$(grep -q 'serving version 1 from gs://models/vgsales/2$' "$WORK/aip.log" && echo True || echo False)"
kill -INT "$SERVER_PID"; wait "$SERVER_PID" || true
SERVER_PID=""

check "no credential was looked up: the metadata listener saw no connection" False \
  "$([[ -e "$WORK/metadata-hits" ]] && echo True || echo False)"
echo "$failures failure(s)"
[[ $failures -eq 0 ]]
