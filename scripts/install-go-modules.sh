#!/usr/bin/env bash
# Downloads (once; Go's module cache keeps them) and compiles the Go test of deploy/'s manifests, tests/deploy/,
# at the versions its go.sum pins, so the CTest run itself downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/../tests/deploy"
go=$(command -v go || true)
for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do [[ -n $go ]] || { [[ -x $candidate ]] && go=$candidate; }; done
[[ -n $go ]] || { echo "install-go-modules: no Go toolchain" >&2; exit 1; }
GOFLAGS=-mod=readonly "$go" test -count=1 -run '^$' ./... >/dev/null
echo "install-go-modules: tests/deploy compiled with $("$go" version)"
