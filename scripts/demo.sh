#!/usr/bin/env bash
# The main job on the demo data shipped in data/: install, build, put vgsales on the PATH, train with TensorBoard
# logs, evaluate, predict three new games, summarise and export the model. Outputs go to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/install.sh
vgsales=/usr/local/bin/vgsales  # what scripts/install.sh installed, whatever else is on the PATH
out=demo-output
mkdir -p "$out"
"$vgsales" train --train data/synthetic_sales_training.csv --test data/synthetic_sales_test.csv \
  --target total_earnings --out "$out/model" --logdir "$out/logs" --run-name demo
"$vgsales" evaluate --model "$out/model" --data data/synthetic_sales_test.csv
"$vgsales" predict --model "$out/model" --input data/synthetic_new_games.csv
"$vgsales" info --model "$out/model"
"$vgsales" export --model "$out/model" --format all --out "$out/export" --overwrite --version 1
echo "Done. Watch the run with: tensorboard --logdir $out/logs"
