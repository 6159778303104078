#!/usr/bin/env bash
# The feature contract end to end: a categorical column holding 1.10, 007, abc, 01 and 1 (each its own category)
# trains, and predict, evaluate and the REST API (through `vgsales serve` and curl) map every value to its own trained
# category, with no "unseen" warning, while output CSVs echo every cell exactly as written.
# Usage: feature_contract_test.sh /path/to/vgsales
set -euo pipefail

VGSALES=${1:?usage: feature_contract_test.sh /path/to/vgsales}
WORK_NAME=feature-contract
# shellcheck source=../serve/serve_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../serve/serve_test_lib.sh"

# Each code has its own level; x adds a little. A network that mixes up 1.10 with 1.1, or 007 with 7, cannot fit it.
"$PYTHON" - "$WORK/train.csv" "$WORK/test.csv" <<'PY'
import random, sys
levels = {"1.10": 10, "007": 20, "abc": 30, "01": 40, "1": 50}
random.seed(3)
for path, rows in ((sys.argv[1], 600), (sys.argv[2], 50)):
    with open(path, "w") as f:
        f.write("code,x,y\n")
        for i in range(rows):
            code = list(levels)[i % 5]
            x = random.random()
            f.write(f"{code},{x:.3f},{levels[code] + x:.3f}\n")
PY
"$VGSALES" train --train "$WORK/train.csv" --test "$WORK/test.csv" --target y --categorical code --epochs 150 \
  --out "$WORK/model" --no-logs --quiet >/dev/null

check "model.json lists the five codes as written" "007 01 1 1.10 abc" \
  "$("$PYTHON" -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["pipeline"]["features"][0]["categories"])))' "$WORK/model/model.json")"

# --- predict: every code to its own category, cells echoed as written, no warning -----------------------------
printf 'code,x,note\n1.10,0.500,"a, b"\n007,0.500,x\nabc,0.500,y\n01,0.500,z\n1,0.500,w\n' >"$WORK/new.csv"
"$VGSALES" predict --model "$WORK/model" --input "$WORK/new.csv" --output "$WORK/predicted.csv" 2>"$WORK/predict.err"
check "predict warns of nothing unseen" "" "$(grep -i unseen "$WORK/predict.err" || true)"
check "predict echoes the cells as written" \
  'code,x,note,predicted_y,predicted_y_median,predicted_y_lower,predicted_y_upper|1.10,0.500,"a, b"|007,0.500,x|abc,0.500,y|01,0.500,z|1,0.500,w' \
  "$("$PYTHON" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
out = [",".join(rows[0])] + [",".join(f"\"{c}\"" if "," in c else c for c in r[:3]) for r in rows[1:]]
print("|".join(out))' "$WORK/predicted.csv")"
# Each prediction within 2.5 of its own level (10.5, 20.5, ...): the codes were told apart.
check "predict maps each code to its own level" "True True True True True" \
  "$("$PYTHON" -c '
import csv, sys
levels = {"1.10": 10.5, "007": 20.5, "abc": 30.5, "01": 40.5, "1": 50.5}
rows = list(csv.DictReader(open(sys.argv[1])))
print(" ".join(str(abs(float(r["predicted_y"]) - levels[r["code"]]) < 2.5) for r in rows))' "$WORK/predicted.csv")"
"$VGSALES" predict --model "$WORK/model" --row 'code=007,x=0.5' >"$WORK/row.txt" 2>"$WORK/row.err"
check "--row 007 is the category 007" "True" \
  "$("$PYTHON" -c 'import sys; print(abs(float(open(sys.argv[1]).readline()) - 20.5) < 2.5)' "$WORK/row.txt")"
check "--row warns of nothing unseen" "" "$(cat "$WORK/row.err")"

# --- evaluate: the same rows as training's test split, the same error ------------------------------------------
"$VGSALES" evaluate --model "$WORK/model" --data "$WORK/test.csv" --json >"$WORK/eval.json" 2>"$WORK/eval.err"
check "evaluate warns of nothing unseen" "" "$(grep -i unseen "$WORK/eval.err" || true)"
check "evaluate equals training's test RMSE" "True" \
  "$("$PYTHON" -c '
import json, sys
e = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))["metrics"]["test"]
print(abs(e["rmse"] - m["rmse"]) <= 1e-4 * m["rmse"])' "$WORK/eval.json" "$WORK/model/model.json")"

# --- the REST API: strings and JSON numbers, each to its own category ------------------------------------------
mkdir -p "$WORK/base" && cp -r "$WORK/model" "$WORK/base/1"
"$VGSALES" serve --model_base_path "$WORK/base" --model_name codes --host 127.0.0.1 --port 0 --poll-seconds 0 \
  2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 150); do
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -n 1)
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "FAIL - the server did not start"; cat "$WORK/serve.log"; exit 1; }
curl -sS --max-time 20 -X POST "http://127.0.0.1:$PORT/v1/models/codes:predict" -H 'Content-Type: application/json' \
  -d '{"instances": [{"code": "1.10", "x": 0.5}, {"code": 1.10, "x": 0.5}, {"code": "007", "x": 0.5},
       {"code": "abc", "x": 0.5}, {"code": "01", "x": 0.5}, {"code": 1, "x": 0.5}]}' >"$WORK/rest.json"
check "REST maps strings and JSON numbers to their own categories" "True True True True True True" \
  "$("$PYTHON" -c '
import json, sys
levels = [10.5, 10.5, 20.5, 30.5, 40.5, 50.5]
values = [p[0] for p in json.load(open(sys.argv[1]))["predictions"]]
print(" ".join(str(abs(v - l) < 2.5) for v, l in zip(values, levels)))' "$WORK/rest.json")"
"$VGSALES" predict --server "http://127.0.0.1:$PORT" --model_name codes --input "$WORK/new.csv" \
  --output "$WORK/remote.csv" 2>"$WORK/remote.err"
check "predict --server gives the same file as local predict" "$(cat "$WORK/predicted.csv")" "$(cat "$WORK/remote.csv")"
check "predict --server drops the extra column with the local warning" \
  "$(grep -i ignoring "$WORK/predict.err")" "$(grep -i ignoring "$WORK/remote.err")"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""

echo "$failures failure(s)"
exit $((failures > 0))
