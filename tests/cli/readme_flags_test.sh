#!/usr/bin/env bash
# scripts/update-readme-flags.sh on doctored copies of README.md: it regenerates every section and changes nothing
# on a second run, and --check fails (naming the command, with a diff and the fixing command) on a stale row, a
# missing section, a section for no command and an unterminated section. The real README is only read.
# Usage: readme_flags_test.sh /path/to/vgsales /path/to/update-readme-flags.sh /path/to/README.md
set -uo pipefail

VGSALES=${1:?usage: readme_flags_test.sh VGSALES UPDATE_SCRIPT README}
UPDATE=${2:?usage: readme_flags_test.sh VGSALES UPDATE_SCRIPT README}
README=${3:?usage: readme_flags_test.sh VGSALES UPDATE_SCRIPT README}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# expect_exit CODE DESCRIPTION COMMAND...: runs COMMAND with its output in $WORK/out and checks its exit code.
expect_exit() {
  local expected=$1 description=$2
  shift 2
  "$@" >"$WORK/out" 2>&1
  local code=$?
  if [[ $code -ne $expected ]]; then
    fail "$description: exit $code, expected $expected"
    sed 's/^/    /' "$WORK/out"
  fi
}
expect_output() {
  local description=$1 pattern=$2
  grep -qE -- "$pattern" "$WORK/out" || {
    fail "$description: no line matching /$pattern/ in"
    sed 's/^/    /' "$WORK/out"
  }
}

# A fresh copy, brought up to date (the committed README may lag a flag change; the ReadmeFlagTables test says so).
cp "$README" "$WORK/fresh.md"
expect_exit 0 "update on a copy of README.md" bash "$UPDATE" "$VGSALES" "$WORK/fresh.md"
expect_exit 0 "--check right after an update" bash "$UPDATE" --check "$VGSALES" "$WORK/fresh.md"
cp "$WORK/fresh.md" "$WORK/again.md"
expect_exit 0 "a second update" bash "$UPDATE" "$VGSALES" "$WORK/again.md"
expect_output "a second update" "is up to date"
cmp -s "$WORK/fresh.md" "$WORK/again.md" || fail "a second update changed the file (not idempotent)"

# Each command's section holds exactly its --flag-table output, between a blank line after the start marker and one
# before the end marker; and the text outside the sections is the README's own.
for command in $("$VGSALES" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*) {2,}.*/\1/p'); do
  "$VGSALES" --flag-table "$command" >"$WORK/expected.md"
  { echo; cat "$WORK/expected.md"; echo; } >"$WORK/expected-section.md"
  sed -n "/^<!-- flags: $command -->\$/,/^<!-- \/flags: $command -->\$/p" "$WORK/fresh.md" | sed '1d;$d' \
    >"$WORK/section.md"
  cmp -s "$WORK/expected-section.md" "$WORK/section.md" ||
    fail "the section of '$command' is not exactly 'vgsales --flag-table $command'"
done
strip_sections() { sed '/^<!-- flags: /,/^<!-- \/flags: /d' "$1"; }
cmp -s <(strip_sections "$README") <(strip_sections "$WORK/fresh.md") || fail "the update changed text outside the sections"

# A stale row: the first row of the info table gains words. --check shows both lines and how to fix it.
awk '/^<!-- flags: info -->$/ { inside = 1 } inside && /^\| `/ { $0 = $0 " stale words |"; inside = 0 } { print }' \
  "$WORK/fresh.md" >"$WORK/stale.md"
cmp -s "$WORK/fresh.md" "$WORK/stale.md" && fail "could not doctor the info table"
expect_exit 1 "--check on a stale row" bash "$UPDATE" --check "$VGSALES" "$WORK/stale.md"
expect_output "--check on a stale row" '^-\| `.* stale words \|$'
expect_output "--check on a stale row" '^\+\| `'
expect_output "--check on a stale row" "^@@ "
expect_output "--check on a stale row" "run: scripts/update-readme-flags.sh .*stale.md"
expect_exit 0 "update of a stale row" bash "$UPDATE" "$VGSALES" "$WORK/stale.md"
cmp -s "$WORK/fresh.md" "$WORK/stale.md" || fail "the update did not restore the stale row"

# A command with no section at all: both modes fail and name it (the update cannot know where the table goes).
sed '/^<!-- flags: train -->$/,/^<!-- \/flags: train -->$/d' "$WORK/fresh.md" >"$WORK/missing.md"
expect_exit 1 "--check without a train section" bash "$UPDATE" --check "$VGSALES" "$WORK/missing.md"
expect_output "--check without a train section" "no flag table for 'vgsales train'"
cp "$WORK/missing.md" "$WORK/missing-before.md"
expect_exit 1 "update without a train section" bash "$UPDATE" "$VGSALES" "$WORK/missing.md"
expect_output "update without a train section" "no flag table for 'vgsales train'.*<!-- flags: train -->"
cmp -s "$WORK/missing.md" "$WORK/missing-before.md" || fail "a failed update wrote the file"

# A table with its rows removed but the markers kept is stale, not missing.
sed '/^<!-- flags: serve -->$/,/^<!-- \/flags: serve -->$/{/^|/d}' "$WORK/fresh.md" >"$WORK/empty.md"
expect_exit 1 "--check on an emptied serve section" bash "$UPDATE" --check "$VGSALES" "$WORK/empty.md"
expect_output "--check on an emptied serve section" '^\+\| `'

# A section for a command vgsales does not have.
{ cat "$WORK/fresh.md"; printf '<!-- flags: trian -->\n<!-- /flags: trian -->\n'; } >"$WORK/unknown.md"
expect_exit 1 "--check with a section for no command" bash "$UPDATE" --check "$VGSALES" "$WORK/unknown.md"
expect_output "--check with a section for no command" 'no command "trian"'

# A start marker whose end line is gone, and a second section for one command.
sed '/^<!-- \/flags: predict -->$/d' "$WORK/fresh.md" >"$WORK/unterminated.md"
expect_exit 1 "--check with an unterminated section" bash "$UPDATE" --check "$VGSALES" "$WORK/unterminated.md"
expect_output "--check with an unterminated section" 'section "predict" has no end line'
{ cat "$WORK/fresh.md"; printf '<!-- flags: info -->\n<!-- /flags: info -->\n'; } >"$WORK/twice.md"
expect_exit 1 "--check with two info sections" bash "$UPDATE" --check "$VGSALES" "$WORK/twice.md"
expect_output "--check with two info sections" 'a second section for "info"'

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
