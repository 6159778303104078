#!/usr/bin/env bash
# Builds the checker environment: a Python virtual environment from Debian's /usr/bin/python3 holding the real
# engines the tests in tests/engines/ run vgsales' files in (TensorFlow, TensorBoard, ONNX Runtime, Playwright for
# Debian's chromium) and the Keras benchmark peer, at the exact versions of tests/engines/requirements.txt.
#   scripts/install-checkers.sh [LINK]     default build/checkers-venv (where CMake looks for it)
#
# The environment itself lives in a cache outside the work tree (scripts/install-venv.sh), in a folder named by the
# hash of the requirements and the interpreter, and LINK points to it. It is 1.9 GB and takes minutes to unpack, so
# a second run, another clone or a CI run on the same machine reuses it at once; a changed requirements file gets a
# new folder. Cache: VGSALES_CHECKERS_CACHE, default ~/.cache/vgsales (wheels/ and checkers-<hash>/).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/install-venv.sh checkers tests/engines/requirements.txt "${1:-build/checkers-venv}" \
  tensorflow-cpu tensorboard onnxruntime playwright
