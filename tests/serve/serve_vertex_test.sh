#!/usr/bin/env bash
# `vgsales serve` under the Vertex AI custom-container contract (docs/formats.md E): AIP_HTTP_PORT, AIP_HEALTH_ROUTE,
# AIP_PREDICT_ROUTE and a local AIP_STORAGE_URI (gs://: tests/storage/serve_gcs_test.sh); health is 503 until a
# model is loaded, then 200. Also the startup errors: a missing model base path, a partial AIP_* set and a
# malformed gs:// AIP_STORAGE_URI. Checked with curl and python3.
# Usage: serve_vertex_test.sh /path/to/vgsales
set -euo pipefail

VGSALES=${1:?usage: serve_vertex_test.sh /path/to/vgsales}
WORK_NAME=serve-vertex
# shellcheck source=serve_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/serve_test_lib.sh"

# --- startup errors -------------------------------------------------------------------------------------
code=0; "$VGSALES" serve --model_name m --model_base_path "$WORK/absent" 2>"$WORK/err" || code=$?
check "a missing base path exits 1" 1 "$code"
check "  and names it" True "$(grep -q "$WORK/absent" "$WORK/err" && echo True || echo False)"
code=0; AIP_HTTP_PORT=8080 "$VGSALES" serve --model_name m --model_base_path "$WORK" 2>"$WORK/err" || code=$?
check "a partial AIP_* set is a usage error (exit 2)" 2 "$code"
# gs:// is read directly (tests/storage/serve_gcs_test.sh serves one); a malformed one is refused before any request.
code=0; AIP_STORAGE_URI=gs://Not_A_Bucket/model "$VGSALES" serve --model_name m 2>"$WORK/err" || code=$?
check "a malformed gs:// AIP_STORAGE_URI is a usage error" 2 "$code"
check "  naming it" True "$(grep -q 'gs://Not_A_Bucket/model' "$WORK/err" && echo True || echo False)"

# --- a Vertex-style start with no model yet ---------------------------------------------------------------
mkdir -p "$WORK/storage"
PORT=$("$PYTHON" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
AIP_HTTP_PORT=$PORT AIP_HEALTH_ROUTE=/health AIP_PREDICT_ROUTE=/v1/endpoints/e/deployedModels/d:predict \
  AIP_STORAGE_URI="file://$WORK/storage" \
  "$VGSALES" serve --model_name vgsales --poll-seconds 0.2 2>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 1 150); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
check "listens on 0.0.0.0:AIP_HTTP_PORT" True "$(grep -q "listening on 0.0.0.0:$PORT" "$WORK/serve.log" && echo True || echo False)"
URL="http://127.0.0.1:$PORT"
status() { curl -sS --max-time 20 -o "$WORK/body" -w '%{http_code}' "$@"; }
check "health is 503 before a model is loaded" 503 "$(status "$URL/health")"

# The model arrives (as an entrypoint copying from gs:// would deliver it): atomically, as version 1.
"$VGSALES" synth --rows 300 --seed 5 --out "$WORK/train.csv" >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 2 --out "$WORK/storage/.incoming" --quiet >/dev/null
mv "$WORK/storage/.incoming" "$WORK/storage/1"
for _ in $(seq 1 100); do [[ "$(status "$URL/health")" == 200 ]] && break; sleep 0.1; done
check "health is 200 once loaded" 200 "$(status "$URL/health")"

status "$URL/v1/models/vgsales/metadata" >/dev/null
FEATURES=$("$PYTHON" -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['metadata']['feature_names']))" "$WORK/body")
REQUEST=$("$PYTHON" -c "import json; names = $FEATURES; print(json.dumps({'instances': [{n: 1.0 for n in names}, {n: 2.0 for n in names}], 'parameters': {'confidence': 0.9}}))")
check "Vertex predict route answers 200" 200 \
  "$(status -X POST -H 'Content-Type: application/json' -d "$REQUEST" "$URL/v1/endpoints/e/deployedModels/d:predict")"
check "  with one [v] per instance" "2" \
  "$("$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['predictions']) if all(len(p) == 1 for p in d['predictions']) else -1)" "$WORK/body")"
check "TF Serving routes still work" 200 "$(status "$URL/v1/models/vgsales")"
check "GET on the Vertex predict route is 405" 405 "$(status "$URL/v1/endpoints/e/deployedModels/d:predict")"

kill -INT "$SERVER_PID"
code=0; wait "$SERVER_PID" || code=$?
SERVER_PID=""
check "SIGINT exits 0" 0 "$code"

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
