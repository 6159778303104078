#!/usr/bin/env bash
# Builds the shap check's environment: shap and ONNX Runtime at the exact versions of
# tests/engines/shap-requirements.txt, a virtual environment from Debian's /usr/bin/python3, cached like the others
# (scripts/install-venv.sh). tests/engines/shap_explain_test.py runs in it.
#   scripts/install-shap.sh [LINK]     default build/shap-venv (where CMake looks for it)
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/install-venv.sh shap tests/engines/shap-requirements.txt "${1:-build/shap-venv}" shap onnxruntime
