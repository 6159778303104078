#!/usr/bin/env bash
# Builds the documentation environment: a Python virtual environment from Debian's /usr/bin/python3 holding MkDocs
# and the Material theme at the exact versions of tests/docs/requirements.txt (scripts/build-docs.sh uses it).
#   scripts/install-docs.sh [LINK]     default build/docs-venv
#
# As scripts/install-checkers.sh does, the environment lives in a cache outside the work tree, in a folder named by
# the hash of the requirements and the interpreter, and LINK points to it: a second run, another clone or a CI run on
# the same machine reuses it at once; a changed requirements file gets a new folder.
# Cache: VGSALES_CHECKERS_CACHE, default ~/.cache/vgsales (wheels/ and docs-<hash>/).
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=tests/docs/requirements.txt
link=${1:-build/docs-venv}
cache=${VGSALES_CHECKERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vgsales}
system_python=/usr/bin/python3  # Debian's interpreter; python3-venv provides its venv module

[[ -x $system_python ]] || { echo "install-docs: needs $system_python (scripts/install-deps.sh --test)" >&2; exit 1; }
hash=$({ cat "$requirements"; "$system_python" --version; } | sha256sum | cut -c1-16)
venv=$cache/docs-$hash
stamp=$venv/vgsales-ready  # written last: a folder without it is an interrupted install

link_venv() {
  mkdir -p "$(dirname "$link")"
  if [[ -e $link || -L $link ]] && ! [[ -L $link && $(readlink "$link") == "$venv" ]]; then rm -rf "$link"; fi
  [[ -L $link ]] || ln -s "$venv" "$link"
}

mkdir -p "$cache"
# One installer at a time per cache (its own lock: the checkers' install may run beside it).
exec 9>"$cache/install-docs.lock"
flock 9
if [[ -f $stamp && -x $venv/bin/mkdocs ]]; then
  link_venv
  echo "docs: reusing $venv"
  exit 0
fi

started=$SECONDS
echo "docs: building $venv from $requirements"
rm -rf "$venv"
"$system_python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
wheels=$cache/wheels
mkdir -p "$wheels"
# Every package is pinned, dependencies included, so --no-deps installs exactly the list. Wheels come from the
# cache when they are all there, else they are downloaded into it first.
if ! "${pip[@]}" install --no-index --find-links "$wheels" --no-deps -r "$requirements" 2>/dev/null; then
  "${pip[@]}" download --no-deps --dest "$wheels" -r "$requirements"
  "${pip[@]}" install --no-index --find-links "$wheels" --no-deps -r "$requirements"
fi
"${pip[@]}" check  # the pins must satisfy every package's own requirements
touch "$stamp"
link_venv
echo "docs: ready in $((SECONDS - started)) s: $("$venv/bin/python" - <<'PY'
from importlib.metadata import version
print(", ".join(f"{name} {version(name)}" for name in ("mkdocs", "mkdocs-material")))
PY
)"
