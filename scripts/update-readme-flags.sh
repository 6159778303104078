#!/usr/bin/env bash
# Regenerates README.md's flag tables from a built vgsales, or (--check) fails showing how they differ.
# Every command `vgsales --help` lists has one section in README.md, between two marker lines:
#   <!-- flags: train -->
#   (blank line, exactly what `vgsales --flag-table train` prints, blank line)
#   <!-- /flags: train -->
# The tables come from the flag declarations (src/cli/flag_table.h), so after changing a flag run this script and
# commit README.md; the ReadmeFlagTables test runs it with --check. Running it twice changes nothing the second time.
#
#   scripts/update-readme-flags.sh [--check] [VGSALES [README]]
#     VGSALES  the built binary (default build/src/cli/vgsales)
#     README   the file to update or check (default README.md at the project root)
# Exit codes: 0 up to date (or updated), 1 out of date or a section missing/malformed, 2 bad usage.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
if (($# > 2)) || [[ "${1:-}" == -* ]]; then
  echo "usage: scripts/update-readme-flags.sh [--check] [VGSALES [README]]" >&2
  exit 2
fi
vgsales=${1:-$root/build/src/cli/vgsales}
readme=${2:-$root/README.md}
if [[ ! -x "$vgsales" ]]; then
  echo "update-readme-flags: error: $vgsales is not an executable (build vgsales first: scripts/build.sh)" >&2
  exit 2
fi
if [[ ! -f "$readme" ]]; then
  echo "update-readme-flags: error: $readme does not exist" >&2
  exit 2
fi

# The command that brings the README up to date, to print with a failure.
fix_command="scripts/update-readme-flags.sh $vgsales"
[[ "$(realpath "$readme")" == "$root/README.md" ]] || fix_command+=" $readme"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The subcommands, as the top-level help lists them ("  train    Train a network ...").
commands=$("$vgsales" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*)( {2,}.*)?$/\1/p')
if [[ -z "$commands" ]]; then
  echo "update-readme-flags: error: '$vgsales --help' lists no subcommands" >&2
  exit 1
fi
for command in $commands; do
  if ! "$vgsales" --flag-table "$command" >"$work/$command.md"; then
    echo "update-readme-flags: error: '$vgsales --flag-table $command' failed" >&2
    exit 1
  fi
done

# Rewrites every section from the tables in $work; lists in $work/found the commands that have a section and reports
# a section for an unknown command, a second section for one command, or a start marker without its end.
status=0
awk -v tables="$work" -v readme="$readme" '
  function fail(message) { printf "update-readme-flags: error: %s:%d: %s\n", readme, FNR, message > "/dev/stderr"; bad = 1 }
  match($0, /^<!-- flags: [a-z0-9_-]+ -->$/) {
    if (open != "") fail("section \"" open "\" has no end line <!-- /flags: " open " -->")
    open = substr($0, 13, length($0) - 16)
    print
    if (open in seen) fail("a second section for \"" open "\"")
    seen[open] = 1
    table = tables "/" open ".md"
    if ((getline line < table) < 0) { fail("no command \"" open "\" in vgsales --help: remove this section"); next }
    print ""
    print line
    while ((getline line < table) > 0) print line
    close(table)
    print ""
    print open > (tables "/found")
    next
  }
  /^<!-- \/flags: / {
    if ($0 != "<!-- /flags: " open " -->") fail("unexpected end line " $0)
    open = ""
    print
    next
  }
  open == "" { print }
  END {
    if (open != "") fail("section \"" open "\" has no end line <!-- /flags: " open " -->")
    exit bad
  }
' "$readme" >"$work/README.md" || status=1
touch "$work/found"

missing=()
for command in $commands; do
  grep -qxF "$command" "$work/found" || missing+=("$command")
done
if ((${#missing[@]})); then
  for command in "${missing[@]}"; do
    echo "update-readme-flags: error: $readme has no flag table for 'vgsales $command': add the lines" \
      "'<!-- flags: $command -->' and '<!-- /flags: $command -->' where it belongs, then run $fix_command" >&2
  done
  status=1
fi
((status == 0)) || exit "$status"

if cmp -s "$readme" "$work/README.md"; then
  ((check)) || echo "update-readme-flags: $readme is up to date"
  exit 0
fi
if ((check)); then
  diff -u --label "$readme" --label "$readme (vgsales --flag-table)" "$readme" "$work/README.md" || true
  echo "update-readme-flags: error: $readme's flag tables differ from what $vgsales declares (diff above);" \
    "run: $fix_command" >&2
  exit 1
fi
# Atomically, keeping the file's permissions: a copy beside it, renamed over it.
cp -p "$readme" "$readme.flags-tmp"
cat "$work/README.md" >"$readme.flags-tmp"
mv "$readme.flags-tmp" "$readme"
echo "update-readme-flags: updated the flag tables in $readme"
