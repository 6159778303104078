#!/usr/bin/env bash
# End-to-end check of `vgsales serve` with curl and python3 as independent clients: every endpoint, every
# error code, hot reload of a new version under load, a broken version, the access log and SIGTERM.
# Usage: serve_curl_test.sh /path/to/vgsales
set -euo pipefail

VGSALES=${1:?usage: serve_curl_test.sh /path/to/vgsales}
WORK_NAME=serve-curl
# shellcheck source=serve_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/serve_test_lib.sh"

# --- a model: synthetic data, two epochs -------------------------------------------------------------
"$VGSALES" synth --rows 400 --seed 7 --out "$WORK/train.csv" >/dev/null
"$VGSALES" train --train "$WORK/train.csv" --target total_earnings --epochs 2 --out "$WORK/model" --quiet >/dev/null
mkdir -p "$WORK/base/ignored-folder"
cp -r "$WORK/model" "$WORK/base/1"

# --- start the server on a free loopback port ---------------------------------------------------------
"$VGSALES" serve --model_base_path "$WORK/base" --model_name vgsales --host 127.0.0.1 --port 0 \
  --poll-seconds 0.2 --max-body-bytes 100000 --access-log "$WORK/access.jsonl" --max-url-bytes 600 \
  --max-header-bytes 3000 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 150); do  # up to 15 s
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -n 1)
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$PORT" ]]; then
  echo "FAIL - the server did not start:"; cat "$WORK/serve.log"; exit 1
fi
URL="http://127.0.0.1:$PORT"
echo "server on $URL"

# curl_status METHOD PATH [BODY-FILE]: prints the HTTP status; the body goes to $WORK/body.
curl_status() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS --max-time 20 -o "$WORK/body" -w '%{http_code}' -X "$method")
  if [[ -n "$body" ]]; then args+=(-H 'Content-Type: application/json' --data-binary "@$body"); fi
  curl "${args[@]}" "$URL$path"
}
json_field() {  # json_field PYTHON-EXPRESSION-ON-d: evaluates against $WORK/body
  "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$WORK/body"
}
body() { printf '%s' "$1" >"$WORK/request.json"; echo "$WORK/request.json"; }

# --- status and metadata --------------------------------------------------------------------------------
check "GET /v1/models/vgsales is 200" 200 "$(curl_status GET /v1/models/vgsales)"
check "status lists version \"1\" AVAILABLE" "1 AVAILABLE OK" \
  "$(json_field 'd["model_version_status"][0]["version"], d["model_version_status"][0]["state"], d["model_version_status"][0]["status"]["error_code"]')"
check "GET /v1/models/vgsales/versions/1 is 200" 200 "$(curl_status GET /v1/models/vgsales/versions/1)"
check "GET .../metadata is 200" 200 "$(curl_status GET /v1/models/vgsales/metadata)"
FEATURES=$(json_field '",".join(d["metadata"]["feature_names"])')
WIDTH=$(json_field 'len(d["metadata"]["feature_names"])')
check "metadata input shape is [-1, F]" "-1 $WIDTH DT_FLOAT" \
  "$(json_field '" ".join(x["size"] for x in d["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["input"]["tensor_shape"]["dim"]) + " " + d["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["input"]["dtype"]')"
check "metadata has the earnings output" "True" \
  "$(json_field '"earnings" in d["metadata"]["signature_def"]["signature_def"]["serving_default"]["outputs"]')"

# --- predict in every format ----------------------------------------------------------------------------
ROW=$("$PYTHON" -c "print([4.5 if n == 'critic_rating' else (29.99 if n == 'unit_price' else 1) for n in '$FEATURES'.split(',')])")
OBJECT=$("$PYTHON" -c "import json; print(json.dumps({n: v for n, v in zip('$FEATURES'.split(','), $ROW)}))")
check "row-format predict is 200" 200 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"instances\": [$ROW, $ROW]}")")"
ROW_VALUE=$(json_field 'd["predictions"][0][0]')
check "two rows, two [v] predictions" "2 1" "$(json_field 'len(d["predictions"]), len(d["predictions"][1])')"
check "rows as objects by feature name" 200 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"instances\": [$OBJECT]}")")"
check "object row predicts the same value" "$ROW_VALUE" "$(json_field 'd["predictions"][0][0]')"
check "columnar [N][F] answers outputs" 200 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"inputs\": [$ROW]}")")"
check "columnar value equals row value" "$ROW_VALUE" "$(json_field 'd["outputs"][0][0]')"
check "columnar {\"input\": ...}" 200 "$(curl_status POST /v1/models/vgsales/versions/1:predict "$(body "{\"inputs\": {\"input\": [$ROW]}}")")"
check "signature_name serving_default" 200 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"signature_name\": \"serving_default\", \"instances\": [$ROW]}")")"
# The CLI's local prediction agrees with the server's (same model, same row).
CLI_ROW=$("$PYTHON" -c "print(','.join(f'{n}={v}' for n, v in zip('$FEATURES'.split(','), $ROW)))")
CLI_VALUE=$("$VGSALES" predict --model "$WORK/base/1" --row "$CLI_ROW" --format json |
  "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)['predictions'][0][0])")
check "server and vgsales predict agree (1e-4 relative)" True \
  "$("$PYTHON" -c "print(abs($CLI_VALUE - $ROW_VALUE) <= 1e-4 * max(1.0, abs($CLI_VALUE)))")"

# --- errors ---------------------------------------------------------------------------------------------
check "malformed JSON is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body '{"instances": [[1, 2')")"
check "  with a JSON error body" True "$(json_field '"JSON Parse error" in d["error"]')"
check "wrong width is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body '{"instances": [[1, 2, 3]]}')")"
check "unknown feature name is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body '{"instances": [{"no_such_feature": 1}]}')")"
check "missing feature names is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body '{"instances": [{"critic_rating": 1}]}')")"
check "non-numeric value is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"instances\": [$(echo "$ROW" | sed 's/^\[[^,]*/["high"/')]}")")"
check "empty instances is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body '{"instances": []}')")"
check "unknown signature is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"signature_name\": \"other\", \"instances\": [$ROW]}")")"
check "  with TF Serving's message" 'Serving signature key "other" not found.' "$(json_field 'd["error"]')"
"$PYTHON" -c "import sys; sys.stdout.write('{\"instances\": [' + ','.join(['$ROW'] * 3000) + ']}')" >"$WORK/big.json"
check "body over --max-body-bytes is 400" 400 "$(curl_status POST /v1/models/vgsales:predict "$WORK/big.json")"
check "unknown model is 404" 404 "$(curl_status POST /v1/models/other:predict "$(body "{\"instances\": [$ROW]}")")"
check "unknown version is 404" 404 "$(curl_status GET /v1/models/vgsales/versions/9)"
check "unknown version predict is 404" 404 "$(curl_status POST /v1/models/vgsales/versions/9:predict "$(body "{\"instances\": [$ROW]}")")"
check "GET on :predict is 405" 405 "$(curl_status GET /v1/models/vgsales:predict)"
check "POST on status is 405" 405 "$(curl_status POST /v1/models/vgsales "$(body '{}')")"
LONG_QUERY=$(printf 'q%.0s' $(seq 1 700))
check "a target over --max-url-bytes is 414" 414 "$(curl_status GET "/v1/models/vgsales?$LONG_QUERY")"
check "header fields over --max-header-bytes are 431" 431 \
  "$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -H "X-Big: $(printf 'b%.0s' $(seq 1 4000))" "$URL/v1/models/vgsales")"
check "the server survived all of that" 200 "$(curl_status GET /v1/models/vgsales)"

# --- metrics --------------------------------------------------------------------------------------------
check "GET /metrics is 200" 200 "$(curl_status GET /metrics)"
check "metrics count predict 200s" True "$(grep -q '^vgsales_http_requests_total{route="predict",code="200"} [1-9]' "$WORK/body" && echo True || echo False)"
check "metrics show version 1" True "$(grep -q '^vgsales_model_version 1$' "$WORK/body" && echo True || echo False)"
check "metrics have a latency histogram" True "$(grep -q '^vgsales_http_request_duration_seconds_bucket{le="+Inf"} [1-9]' "$WORK/body" && echo True || echo False)"

# --- hot reload under load: version 2 appears atomically while requests run -------------------------------
body "{\"instances\": [$ROW]}" >/dev/null
cp "$WORK/request.json" "$WORK/load.json"
"$PYTHON" - "$PORT" "$WORK/load.json" "$WORK/base" "$WORK/model" >"$WORK/reload.txt" <<'EOF'
import http.client, json, os, shutil, sys, time
port, body_file, base, model = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
body = open(body_file, "rb").read()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
failures, requests, status_requests, copied, switched_at = 0, 0, 0, False, None
deadline = time.time() + 60
while requests < 20000 and time.time() < deadline:  # bounded in count and time
    conn.request("POST", "/v1/models/vgsales:predict", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    requests += 1
    if response.status != 200 or "predictions" not in json.loads(payload):
        failures += 1
    if requests == 50 and not copied:
        shutil.copytree(model, os.path.join(base, ".incoming-2"))
        os.rename(os.path.join(base, ".incoming-2"), os.path.join(base, "2"))  # atomic appearance
        copied = True
    if copied and requests % 10 == 0:
        conn.request("GET", "/v1/models/vgsales")
        status_requests += 1
        status = json.loads(conn.getresponse().read())
        if status["model_version_status"][0]["version"] == "2":
            switched_at = requests
            break
# keep loading a little after the switch
for _ in range(200):
    conn.request("POST", "/v1/models/vgsales:predict", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    requests += 1
    failures += response.status != 200
print(failures, requests, switched_at is not None, requests + status_requests)
EOF
# RELOAD_SENT: every request of that connection (predictions and status), each of which the access log must hold.
read -r RELOAD_FAILURES RELOAD_REQUESTS RELOAD_SWITCHED RELOAD_SENT <"$WORK/reload.txt"
check "hot reload: zero failed requests (of $RELOAD_REQUESTS)" 0 "$RELOAD_FAILURES"
check "hot reload: the server switched to version 2" True "$RELOAD_SWITCHED"
check "version 2 by path" 200 "$(curl_status GET /v1/models/vgsales/versions/2)"

# --- a broken version 3 is logged and version 2 keeps serving -------------------------------------------
mkdir -p "$WORK/base/.incoming-3"
cp "$WORK/model/"* "$WORK/base/.incoming-3/"
printf 'not json' >"$WORK/base/.incoming-3/model.json"
mv "$WORK/base/.incoming-3" "$WORK/base/3"
for _ in $(seq 1 50); do grep -q "failed to load version 3" "$WORK/serve.log" && break; sleep 0.1; done
check "broken version 3 is logged" True "$(grep -q 'failed to load version 3' "$WORK/serve.log" && echo True || echo False)"
curl_status GET /v1/models/vgsales >/dev/null
check "version 2 still serves" 2 "$(json_field 'd["model_version_status"][0]["version"]')"
check "predict still 200" 200 "$(curl_status POST /v1/models/vgsales:predict "$(body "{\"instances\": [$ROW]}")")"

# --- SIGTERM: graceful exit 0, access log complete ------------------------------------------------------
kill -TERM "$SERVER_PID"
EXIT_CODE=0
wait "$SERVER_PID" || EXIT_CODE=$?
SERVER_PID=""
check "SIGTERM exits 0" 0 "$EXIT_CODE"
# Complete: every request of the hot-reload connection is there (how many it sent depends on how soon the server
# switched, so the count is the one it reported, not a guess), besides the 25 curl requests before them.
check "access log lines are all JSON objects with a status" True \
  "$("$PYTHON" -c "import json,sys; lines=open(sys.argv[1]).read().splitlines(); print(all('status' in json.loads(l) for l in lines))" "$WORK/access.jsonl")"
check "access log holds the hot-reload connection's $RELOAD_SENT requests and the curl ones" True \
  "$("$PYTHON" -c "import sys; n=len(open(sys.argv[1]).read().splitlines()); print(n >= int(sys.argv[2]) + 25 or f'only {n} lines')" "$WORK/access.jsonl" "$RELOAD_SENT")"

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
