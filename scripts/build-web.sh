#!/usr/bin/env bash
# Builds the web page that `vgsales serve` answers GET / with into web/dist/ (CMake compiles those files into the
# binary). Installs web/'s pinned npm packages into web/node_modules with `npm ci` when package-lock.json changed
# since the last install (a second run reuses them), type-checks the TypeScript, then bundles it with esbuild.
set -euo pipefail
cd "$(dirname "$0")/../web"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "vgsales: error: '$tool' is not installed; scripts/install-deps.sh installs Node.js and npm" >&2
    exit 1
  fi
done
stamp=node_modules/.vgsales-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
node node_modules/typescript/bin/tsc --noEmit -p .
node build.mjs
