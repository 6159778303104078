#!/usr/bin/env bash
# Builds a Python virtual environment from Debian's /usr/bin/python3 holding exactly the pinned packages of a
# requirements file (every dependency pinned too, so --no-deps installs the whole list), and checks it with
# `pip check`. scripts/install-checkers.sh, scripts/install-lint.sh and scripts/install-docs.sh are its uses.
#   scripts/install-venv.sh NAME REQUIREMENTS LINK [PACKAGE...]    PACKAGEs: named with their versions when built
#
# The environment lives in a cache outside the work tree, in a folder named NAME-<hash of the requirements and the
# interpreter>, and LINK points to it: a second run, another clone or a CI run on the same machine reuses it at
# once; a changed requirements file gets a new folder.
# Cache: VGSALES_CHECKERS_CACHE, default ~/.cache/vgsales (wheels/ and NAME-<hash>/).
set -euo pipefail
cd "$(dirname "$0")/.."
(($# >= 3)) || { echo "usage: scripts/install-venv.sh NAME REQUIREMENTS LINK [PACKAGE...]" >&2; exit 2; }
name=$1 requirements=$2 link=$3
shift 3
cache=${VGSALES_CHECKERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vgsales}
system_python=/usr/bin/python3  # Debian's interpreter; python3-venv provides its venv module

[[ -x $system_python ]] || { echo "install-$name: needs $system_python (scripts/install-deps.sh --test)" >&2; exit 1; }
hash=$({ cat "$requirements"; "$system_python" --version; } | sha256sum | cut -c1-16)
venv=$cache/$name-$hash
stamp=$venv/vgsales-ready  # written last: a folder without it is an interrupted install

link_venv() {
  mkdir -p "$(dirname "$link")"
  if [[ -e $link || -L $link ]] && ! [[ -L $link && $(readlink "$link") == "$venv" ]]; then rm -rf "$link"; fi
  [[ -L $link ]] || ln -s "$venv" "$link"
}

mkdir -p "$cache"
# One installer at a time per cache: clones building side by side wait for the first instead of racing it.
exec 9>"$cache/install.lock"
flock 9
if [[ -f $stamp && -x $venv/bin/python ]]; then
  link_venv
  echo "$name: reusing $venv"
  exit 0
fi

started=$SECONDS
echo "$name: building $venv from $requirements"
rm -rf "$venv"
"$system_python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
wheels=$cache/wheels
mkdir -p "$wheels"
# Wheels come from the cache when they are all there, else they are downloaded into it first.
if ! "${pip[@]}" install --no-index --find-links "$wheels" --no-deps -r "$requirements" 2>/dev/null; then
  "${pip[@]}" download --no-deps --dest "$wheels" -r "$requirements"
  "${pip[@]}" install --no-index --find-links "$wheels" --no-deps -r "$requirements"
fi
"${pip[@]}" check  # the pins must satisfy every package's own requirements
touch "$stamp"
link_venv
echo "$name: ready in $((SECONDS - started)) s: $("$venv/bin/python" - "$@" <<'PY'
import sys
from importlib.metadata import version
print(", ".join(f"{name} {version(name)}" for name in sys.argv[1:]))
PY
)"
