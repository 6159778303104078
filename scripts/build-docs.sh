#!/usr/bin/env bash
# Builds the documentation site into build/site (open build/site/index.html, or serve the folder):
# the pinned MkDocs environment (scripts/install-docs.sh, cached), then the command pages generated from the built
# program's flag declarations (scripts/generate_cli_docs.py) beside a copy of docs/ and CHANGELOG.md, then
# `mkdocs build --strict`, which fails on a broken link or anchor and on a page missing from the navigation.
#   scripts/build-docs.sh [VGSALES [SITE_DIR]]
#     VGSALES   the built binary whose flags the command pages show (default build/src/cli/vgsales)
#     SITE_DIR  where the site goes (default build/site)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vgsales=$(realpath "${1:-$root/build/src/cli/vgsales}")
site=$(realpath -m "${2:-$root/build/site}")
[[ -x $vgsales ]] || { echo "build-docs: $vgsales is not an executable (build vgsales first: scripts/build.sh)" >&2; exit 2; }

venv_link=$root/build/docs-venv
"$root/scripts/install-docs.sh" "$venv_link" >&2

# The site's sources: docs/ as committed, plus what is generated or lives at the root.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/docs" "$work/docs"
cp "$root/CHANGELOG.md" "$work/docs/changelog.md"
/usr/bin/python3 "$root/scripts/generate_cli_docs.py" "$vgsales" "$work/generated"
cp -r "$work/generated/commands" "$work/docs/commands"
# The project's mkdocs.yml with the copied sources and the chosen output (INHERIT keeps every other setting).
cat >"$work/mkdocs.yml" <<YAML
INHERIT: $root/mkdocs.yml
docs_dir: $work/docs
site_dir: $site
YAML
NO_MKDOCS_2_WARNING=1 "$venv_link/bin/mkdocs" build --strict --clean --config-file "$work/mkdocs.yml"
echo "build-docs: the site is in $site (open $site/index.html)"
