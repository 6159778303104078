#!/bin/sh
# Runs the Python package's pytest suite (python/tests) with the pinned environment and the package built for this
# checkout (scripts/install-python.sh: build/python-venv and build/python-package), against this build's CLI.
#   run_python_tests.sh BUILD_DIR SOURCE_DIR VGSALES_BINARY
# Without the environment the test is skipped (exit 77) with the command that makes it; under CI (CI set), where
# scripts/test.sh makes it, a missing one fails.
build=$1 source=$2 binary=$3
python=$build/python-venv/bin/python
if [ ! -x "$python" ] || [ ! -d "$build/python-package/vgsales" ]; then
  if [ -n "${CI:-}" ]; then
    echo "no Python package environment in $build: CI runs scripts/install-python.sh, so this is a failure" >&2
    exit 1
  fi
  echo "SKIPPED: no Python package environment in $build; make it with scripts/install-python.sh"
  exit 77
fi
cd "$source" || exit 1
PYTHONPATH=$build/python-package VGSALES_BINARY=$binary PYTHONDONTWRITEBYTECODE=1 \
  exec "$python" -m pytest -q -p no:cacheprovider python/tests
