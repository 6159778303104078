#!/usr/bin/env bash
# The documentation site as a user gets it: scripts/build-docs.sh builds it with `mkdocs build --strict` (a broken
# link or anchor, or a page missing from the navigation, fails the build), then the built HTML is checked here:
# one page per command `vgsales --help` lists, holding every flag of `vgsales --flag-table COMMAND`; and nothing
# fetched from another host (no web font, no script, style or image from a CDN), so the site works offline.
# The site stays in SITE_DIR for the Chromium test (site_browser_test.py).
# Usage: site_test.sh VGSALES SITE_DIR
set -uo pipefail
vgsales=${1:?usage: site_test.sh VGSALES SITE_DIR}
site=${2:?usage: site_test.sh VGSALES SITE_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The pinned MkDocs environment (cached; the first install downloads from PyPI). Without it and outside CI, skip.
if ! "$root/scripts/install-docs.sh" "$root/build/docs-venv"; then
  if [[ -n ${CI:-} ]]; then echo "FAIL: scripts/install-docs.sh failed"; exit 1; fi
  echo "SKIPPED: scripts/install-docs.sh could not build the MkDocs environment (no network?)"
  exit 77
fi
if ! "$root/scripts/build-docs.sh" "$vgsales" "$site"; then
  echo "FAIL: scripts/build-docs.sh (mkdocs build --strict) failed"
  exit 1
fi

commands=$("$vgsales" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*) {2,}.*/\1/p')
[[ -n $commands ]] || fail "vgsales --help lists no commands"
for command in $commands; do
  page=$site/commands/$command.html
  if [[ ! -f $page ]]; then fail "no page $page for 'vgsales $command'"; continue; fi
  for flag in $("$vgsales" --flag-table "$command" | sed -nE 's/^\| `([^` ]+).*/\1/p'); do
    grep -qF -- "<code>$flag" "$page" || fail "commands/$command.html lacks $flag"
  done
  grep -qF "commands/$command.html" "$site/index.html" || fail "the home page's navigation has no link to commands/$command.html"
done

# Offline: an element that loads from another host, or a stylesheet importing one, is an external asset. (Links a
# reader may follow, <a href="https://...">, are not: they load nothing.)
external=$(grep -rhoE '<(link|script|img|iframe|source|video|audio)\b[^>]*\b(src|href)="(https?:)?//[^"]*"' \
  --include='*.html' "$site" | sort -u)
[[ -z $external ]] || fail "pages load from other hosts: $external"
fonts=$(grep -rlE 'fonts\.(googleapis|gstatic)\.com' --include='*.html' --include='*.css' "$site")
[[ -z $fonts ]] || fail "web fonts from Google Fonts in: $fonts (theme.font must stay false)"
css_imports=$(grep -rhoE '@import url\((["'"'"'])?https?://[^)]*\)' --include='*.css' "$site" | sort -u)
[[ -z $css_imports ]] || fail "stylesheets import from other hosts: $css_imports"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "the site builds with --strict, has a page per command with every flag, and loads nothing from elsewhere"
