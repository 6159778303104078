#!/usr/bin/env bash
# Builds the Python package's wheel (python/, docs/python.md) with the pinned build tools of build/python-venv
# (scripts/install-python.sh makes it), then proves it installs in a clean environment: a new virtual environment
# from /usr/bin/python3 gets the wheel and its dependencies at the pins of python/requirements.txt (from the wheel
# cache scripts/install-venv.sh filled), and trains and predicts outside the repository.
#   scripts/build-python-wheel.sh [OUT_DIR]     default build/python-wheel; prints the wheel's path last
# The wheel links Debian 12's shared libraries (libprotobuf, libfmt, libcairo, libpng, libcrypto; OpenBLAS at run
# time): it is for machines with vgsales' run-time packages (scripts/install-deps.sh), like the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build/python-wheel}" && cd "${1:-build/python-wheel}" && pwd)
scripts/install-venv.sh python python/requirements.txt build/python-venv >/dev/null
rm -f "$out"/vgsales-*.whl
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}  # as scripts/build.sh: build/'s objects serve build-python/
(cd python && CMAKE_GENERATOR="Unix Makefiles" CXX=${CXX:-c++} CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  ../build/python-venv/bin/python -m pip --disable-pip-version-check wheel --quiet --no-deps --no-build-isolation \
  --config-settings=build-dir=../build-python --wheel-dir "$out" .)
wheel=$(ls "$out"/vgsales-*.whl)

clean=$(mktemp -d "${TMPDIR:-/tmp}/vgsales-wheel-check.XXXXXX")
trap 'rm -rf "$clean"' EXIT
/usr/bin/python3 -m venv "$clean/venv"
cache=${VGSALES_CHECKERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vgsales}
# The run-time pins only (the first block of python/requirements.txt's run-time section and their dependencies).
grep -E '^(scikit-learn|pandas|numpy|scipy|joblib|threadpoolctl|python-dateutil|pytz|tzdata|six)==' \
  python/requirements.txt >"$clean/runtime.txt"
"$clean/venv/bin/python" -m pip --disable-pip-version-check install --quiet --no-index --find-links "$cache/wheels" \
  -r "$clean/runtime.txt" "$wheel"
"$clean/venv/bin/python" -m pip --disable-pip-version-check check
(cd "$clean" && "$clean/venv/bin/python" - <<'PY'
import numpy as np
import vgsales

rng = np.random.default_rng(0)
X = rng.uniform(size=(200, 3))
y = 3 * X[:, 0] + X[:, 1] + 10
model = vgsales.SalesRegressor(epochs=30, members=2, learning_rate=0.01).fit(X, y)
assert model.score(X, y) > 0.5, model.score(X, y)
assert vgsales.__file__.startswith(__import__("sys").prefix), vgsales.__file__  # the installed wheel, not the tree
print(f"the wheel installs in a clean environment: vgsales {vgsales.__version__}, R² {model.score(X, y):.3f}")
PY
)
echo "$wheel"
