#!/usr/bin/env bash
# Builds the Python package (python/, docs/python.md) for the tests: its pinned environment (scikit-learn,
# pandas, numpy, pytest and the build tools scikit-build-core and nanobind, python/requirements.txt) through
# scripts/install-venv.sh as build/python-venv, then the package itself into build/python-package, which the tests
# and the docs' examples put on PYTHONPATH (the shared, cached environment holds no vgsales of any one checkout).
#   scripts/install-python.sh [BUILD_DIR]     default build; after scripts/build.sh, whose objects ccache then serves
#
# The extension is compiled in build-python/, beside build/ with the same generator, compiler and flags, so ccache
# (base_dir makes paths relative) serves the objects build/ compiled, and a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$(mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)
scripts/install-venv.sh python python/requirements.txt "$build/python-venv" scikit-learn pandas numpy \
  scikit-build-core nanobind pytest
started=$SECONDS
target=$build/python-package
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # as scripts/build.sh: paths relative, wherever the clone is
rm -rf "$target.new"
# --no-build-isolation: build with the pinned tools of build/python-venv, not whatever PyPI serves that day.
(cd python && CMAKE_GENERATOR="Unix Makefiles" CXX=${CXX:-c++} CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  "$build/python-venv/bin/python" -m pip --disable-pip-version-check install --quiet --no-deps --no-build-isolation \
  --config-settings=build-dir="$root/build-python" --target "$target.new" .)
rm -rf "$target"
mv "$target.new" "$target"
echo "python package: built into $target in $((SECONDS - started)) s (PYTHONPATH=$target $build/python-venv/bin/python)"
