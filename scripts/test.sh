#!/usr/bin/env bash
# The test command (docs/testing.md has each phase's time).
#   scripts/test.sh          installs what is needed (packages, the checker environment, lizard), builds, puts
#                            vgsales on the PATH and runs the whole CTest suite, the real engines' tests included
#   scripts/test.sh --full   then also the sanitizer suite and a short run of every fuzz target, from one clang
#                            ASan + UBSan build (docs/reliability.md); what CI (.ci/run) runs
set -euo pipefail
cd "$(dirname "$0")/.."
full=0
case "${1:-}" in
  "") ;;
  --full) full=1 ;;
  *) echo "usage: scripts/test.sh [--full]" >&2; exit 2 ;;
esac

phase() { echo "== test.sh at $((SECONDS / 60)) min $((SECONDS % 60)) s: $1"; }

phase "install"
scripts/install-deps.sh --test
scripts/install-checkers.sh  # TensorFlow, TensorBoard, ONNX Runtime, Playwright: build/checkers-venv
scripts/install-lint.sh      # lizard, for the complexity check: build/lint-venv
scripts/install-fake-gcs.sh  # the Cloud Storage emulator for the gs:// tests: build/fake-gcs-server
scripts/install-shap.sh      # shap and ONNX Runtime, the independent check of `vgsales explain`: build/shap-venv
scripts/install-drift-checker.sh  # scipy, the reference for `vgsales monitor`'s figures: build/drift-venv
scripts/install-go-modules.sh  # k8s.io/api, KServe, Knative Serving for the manifests' test (tests/deploy/)
phase "build"
scripts/build.sh
scripts/install.sh
scripts/install-python.sh    # the Python package (python/) and its pinned environment: build/python-package
phase "test suite"
(cd build && ctest --output-on-failure -j2)
if ((full)); then
  phase "sanitizer suite"
  scripts/sanitize.sh
  phase "fuzzing"
  scripts/fuzz.sh 25
fi
phase "all passed"
