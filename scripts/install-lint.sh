#!/usr/bin/env bash
# Builds the lint environment: a small Python virtual environment holding lizard, which measures every function's
# length, cyclomatic complexity and parameter count for the SourceComplexity test (tests/style/), at the exact
# versions of tests/style/lint-requirements.txt. Cached like the checker environment (scripts/install-venv.sh).
#   scripts/install-lint.sh [LINK]     default build/lint-venv (where CMake looks for it)
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/install-venv.sh lint tests/style/lint-requirements.txt "${1:-build/lint-venv}" lizard
