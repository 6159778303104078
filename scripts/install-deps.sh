#!/usr/bin/env bash
# Installs what vgsales needs from Debian 12's packages. Run as root (or with sudo).
#   scripts/install-deps.sh          build dependencies only
#   scripts/install-deps.sh --test   also the independent checkers the tests and benchmarks use
set -euo pipefail

build_packages=(
  build-essential cmake ccache pkg-config
  libtorch-dev          # the network, training and TorchScript (model.pt)
  libopenblas0-pthread  # an optimised BLAS for LibTorch: the default reference BLAS trains 4x slower
  libprotobuf-dev protobuf-compiler  # TensorBoard events, GraphDef/SavedModel, ONNX from our .proto files
  libcli11-dev          # command-line parsing
  libfmt-dev            # formatting
  rapidjson-dev         # model.json and the REST API's JSON
  libboost-dev          # Boost.Beast/Asio for the model server
  libpng-dev            # PNG image summaries for TensorBoard
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_packages=(
  python3-torch python3-onnx python3-opencv python3-sklearn python3-protobuf python3-pandas python3-numpy
  python3-xgboost       # the XGBoost peer in bench/accuracy
  curl wrk nginx-light
  time                  # /usr/bin/time -v: peak RSS in bench/run.sh
)

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
