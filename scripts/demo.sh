#!/usr/bin/env bash
# The main job on the demo data shipped in data/: install, build, train with TensorBoard logs,
# evaluate, predict three new games, and summarise the model. Outputs go to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
vgsales=build/src/cli/vgsales
out=demo-output
mkdir -p "$out"
"$vgsales" train --train data/synthetic_sales_training.csv --test data/synthetic_sales_test.csv \
  --target total_earnings --out "$out/model" --logdir "$out/logs" --run-name demo
"$vgsales" evaluate --model "$out/model" --data data/synthetic_sales_test.csv
"$vgsales" predict --model "$out/model" --input data/synthetic_new_games.csv
"$vgsales" info --model "$out/model"
if "$vgsales" export --help >/dev/null 2>&1; then
  "$vgsales" export --model "$out/model" --format all --out "$out/export" --overwrite --version 1
fi
echo "Done. Watch the run with: tensorboard --logdir $out/logs"
