#!/usr/bin/env bash
# Builds the Cloud Storage emulator the gs:// tests serve models from (tests/storage/serve_gcs_test.sh):
# fake-gcs-server at the version pinned here, compiled by the Go toolchain pinned here (GOTOOLCHAIN: the go on PATH
# when it is that version, else Go fetches that toolchain from the Go module proxy; modules come from the proxy,
# checked against go.sum and the checksum database). Cached in ~/.cache/vgsales/fake-gcs-server-<version>-<go>/
# and linked as build/fake-gcs-server: the first run takes about two minutes, the next ones none.
#   scripts/install-fake-gcs.sh [LINK]     default build/fake-gcs-server (where the test looks for it)
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.56.1   # github.com/fsouza/fake-gcs-server; its go.mod needs Go 1.26
toolchain=go1.26.8
link=${1:-build/fake-gcs-server}
cache=${VGSALES_CHECKERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vgsales}/fake-gcs-server-$version-$toolchain
if [[ ! -x "$cache/fake-gcs-server" ]]; then
  if ! command -v go >/dev/null; then
    echo "install-fake-gcs.sh: needs a Go command (1.21 or newer, which fetches $toolchain itself) on PATH" >&2
    exit 1
  fi
  staging=$(mktemp -d "${cache}.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  echo "install-fake-gcs.sh: building fake-gcs-server $version with $toolchain"
  GOTOOLCHAIN=$toolchain GOBIN="$staging" GOFLAGS=-buildvcs=false go install "github.com/fsouza/fake-gcs-server@$version"
  rm -rf "$cache"
  mv "$staging" "$cache"
fi
mkdir -p "$(dirname "$link")"
ln -sfn "$cache/fake-gcs-server" "$link"
