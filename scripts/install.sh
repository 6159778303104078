#!/usr/bin/env bash
# Puts the built vgsales on the PATH: `cmake --install build` into /usr/local (bin/vgsales, the TorchScript plugin in
# lib/vgsales/, the docs in share/doc/vgsales/). Idempotent: it overwrites what an earlier run installed, so the
# program on the PATH is always the one just built. Another prefix: scripts/install.sh /opt/vgsales.
# (For a machine that should not build, install the Debian packages instead: see README.md, "Install".)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
sudo_cmd=()
if [[ $(id -u) -ne 0 && ! -w "$prefix" ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" cmake --install build --prefix "$prefix" >/dev/null
installed="$prefix/bin/vgsales"
if [[ "$(command -v vgsales || true)" != "$installed" ]]; then
  echo "note: $installed is installed, but 'vgsales' on this PATH is $(command -v vgsales || echo 'not found');" \
       "add $prefix/bin to PATH" >&2
fi
"$installed" --version
