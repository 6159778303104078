#!/usr/bin/env bash
# Formats the C++ sources the repository tracks under src/, tests/, bench/, fuzz/ and python/ with the root .clang-format.
#   scripts/format.sh            format them in place
#   scripts/format.sh --check    change nothing; list each file clang-format would change, with the number of its
#                                lines that would change, and the total; exit 1 if there is any
#   scripts/format.sh [--check] FILE...   only these files
# Needs Debian's clang-format (scripts/install-deps.sh --test installs it); CLANG_FORMAT names another binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
if [[ "${1:-}" == -* ]]; then
  echo "usage: scripts/format.sh [--check] [FILE...]" >&2
  exit 2
fi
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "format: error: '$clang_format' is not installed; scripts/install-deps.sh --test installs Debian's clang-format" >&2
  exit 2
fi

if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- src tests bench fuzz python | grep -E '\.(c|cc|cpp|h|hpp)$')
fi

if ((!check)); then
  # In place, a batch at a time; clang-format writes each file only when its text changes.
  printf '%s\0' "${files[@]}" | xargs -0 -r -n 50 "$clang_format" -i --style="file:$PWD/.clang-format"
  echo "format: formatted ${#files[@]} file(s)"
  exit 0
fi

unformatted=0
changed_lines=0
for file in "${files[@]}"; do
  # The original lines that formatting would replace or remove.
  count=$("$clang_format" --style="file:$PWD/.clang-format" "$file" |
    diff --changed-group-format='%<' --unchanged-group-format='' "$file" - | wc -l) || true
  if ((count > 0)); then
    echo "$file: $count line(s) would change"
    unformatted=$((unformatted + 1))
    changed_lines=$((changed_lines + count))
  fi
done
if ((unformatted)); then
  echo "format: $unformatted of ${#files[@]} file(s) not formatted ($changed_lines line(s) would change);" \
    "run scripts/format.sh" >&2
  exit 1
fi
echo "format: all ${#files[@]} file(s) formatted"
