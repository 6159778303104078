#!/usr/bin/env bash
# Installs what vgsales needs from Debian 12's packages. Run as root (or with sudo).
#   scripts/install-deps.sh          build dependencies only
#   scripts/install-deps.sh --test   also the independent checkers the tests and benchmarks use
set -euo pipefail

build_packages=(
  build-essential cmake ccache pkg-config
  libtorch-dev          # the TorchScript export plugin (model.pt) and the tests that compare with LibTorch
  libopenblas0-pthread  # an optimised BLAS, loaded at run time: the default reference BLAS trains 4x slower
  libprotobuf-dev protobuf-compiler  # TensorBoard events, GraphDef/SavedModel, ONNX from our .proto files
  libcli11-dev          # command-line parsing
  libfmt-dev            # formatting
  rapidjson-dev         # model.json and the REST API's JSON
  libboost-dev          # Boost.Beast/Asio for the model server
  libssl-dev            # SHA-256 of the model files (SHA256SUMS), from OpenSSL's libcrypto; RS256 of service-account JWTs
  libcurl4-openssl-dev  # HTTPS to Cloud Storage and the metadata server for gs:// models (src/storage/)
  libpng-dev            # PNG image summaries for TensorBoard
  libcairo2-dev         # draws the predicted-vs-actual plot (anti-aliased shapes, text, PNG output)
  fonts-dejavu-core     # the plot's text face (DejaVu Sans), also needed at run time
  libgtest-dev libgmock-dev libbenchmark-dev
  file                  # CPack's Debian packages: dpkg-shlibdeps (from build-essential's dpkg-dev) and file(1)
  python3               # writes the man pages, shell completions and command pages at build time (cmake/cli_docs.cmake)
)
# Node.js and npm build the web page the server compiles in (scripts/build-web.sh). Debian's, unless the machine
# already has both (a newer Node.js from elsewhere ships its own npm, which Debian's npm package would clash with).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then build_packages+=(nodejs npm); fi
test_packages=(
  python3-torch python3-onnx python3-opencv python3-sklearn python3-protobuf python3-pandas python3-numpy
  python3-pil           # an independent PNG reader for the plot test
  python3-cryptography  # the fake token endpoint of tests/storage verifies service-account JWT signatures with it
  python3-xgboost       # the XGBoost peer in bench/accuracy
  curl wrk nginx-light
  time                  # /usr/bin/time -v: peak RSS in bench/run.sh
  clang libclang-rt-14-dev  # libFuzzer and clang's sanitizer runtimes for scripts/fuzz.sh
  python3-venv          # the checker environment of scripts/install-checkers.sh (TensorFlow, TensorBoard, ...)
  python3-dev           # Python's headers: the Python package's extension module (python/, scripts/install-python.sh)
  chromium              # real-browser tests: TensorBoard's page (tests/engines) and ours (tests/web)
  hyperfine             # whole-process start-up times in bench/startup.sh
  clang-format          # the house style (.clang-format), applied and checked by scripts/format.sh
  groff-base            # renders the generated man pages with warnings on (tests/docs/man_pages_test.py)
  zsh                   # drives the generated zsh completion in a pseudo-terminal (tests/docs/shell_completion_test.sh)
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
