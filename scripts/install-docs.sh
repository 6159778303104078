#!/usr/bin/env bash
# Builds the documentation environment: a Python virtual environment holding MkDocs and the Material theme at the
# exact versions of tests/docs/requirements.txt (scripts/build-docs.sh uses it). Cached like the checker
# environment (scripts/install-venv.sh).
#   scripts/install-docs.sh [LINK]     default build/docs-venv
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/install-venv.sh docs tests/docs/requirements.txt "${1:-build/docs-venv}" mkdocs mkdocs-material
