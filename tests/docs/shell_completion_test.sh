#!/usr/bin/env bash
# The generated bash and zsh completions (scripts/generate_cli_docs.py), driven in the shells themselves:
#   bash: the script is sourced, `complete -p vgsales` names its function, which is called with COMP_WORDS/COMP_CWORD;
#   zsh:  an interactive `zsh -f` in a pseudo-terminal (the zpty module) with compinit and the completion on its
#         fpath; Tab is typed after the words and the completed line is run (vgsales is a function there that prints
#         its arguments), or the offered list is read off the screen.
# Each checks that `vgsales tr<Tab>` gives `train`, that `--target-transform <Tab>` offers auto, none and log1p, and
# a few more commands, flags and choices, all against what `vgsales --help` and `--flag-table` declare.
# Usage: shell_completion_test.sh VGSALES COMPLETIONS_DIR
set -uo pipefail
vgsales=${1:?usage: shell_completion_test.sh VGSALES COMPLETIONS_DIR}
completions=${2:?usage: shell_completion_test.sh VGSALES COMPLETIONS_DIR}
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

# --- bash ---------------------------------------------------------------------------------------------------
bash_offers() {  # bash_offers WORD...: what Tab offers after the words (the last one is the word being completed)
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=(vgsales "$@"); COMP_CWORD=$#
    _vgsales 2>/dev/null
    printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' _ "$completions/vgsales" "$@"
}
check "bash: complete -p names the function" "complete -F _vgsales vgsales" \
  "$(bash --norc --noprofile -c 'source "$1"; complete -p vgsales' _ "$completions/vgsales")"
check "bash: vgsales tr<Tab> offers train" "train" "$(bash_offers tr)"
check "bash: vgsales <Tab> offers every command" \
  "$("$vgsales" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*) {2,}.*/\1/p' | sort | paste -sd' ')" \
  "$(bash_offers '' | tr ' ' '\n' | grep -v '^--' | paste -sd' ')"
check "bash: --target-transform <Tab> offers its choices" "auto log1p none" "$(bash_offers train --target-transform '')"
check "bash: --target-transform l<Tab> gives log1p" "log1p" "$(bash_offers train --target-transform l)"
check "bash: export --format <Tab>" "all onnx savedmodel torchscript" "$(bash_offers export --format '')"
check "bash: predict --format <Tab>" "csv json" "$(bash_offers predict --format '')"
check "bash: train --target-tr<Tab> gives the flag" "--target-transform" "$(bash_offers train --target-tr)"
check "bash: serve --no<Tab>" "--no-ui" "$(bash_offers serve --no)"
check "bash: a number has nothing to offer" "" "$(bash_offers train --epochs '')"
# Every flag of every command's table is offered after the command.
for command in $("$vgsales" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*) {2,}.*/\1/p'); do
  declared=$("$vgsales" --flag-table "$command" | sed -nE 's/^\| `(--[a-z0-9_-]+).*/\1/p' | sort | paste -sd' ')
  offered=$(bash_offers "$command" -- | tr ' ' '\n' | grep -vx -- '--help' | sort | paste -sd' ')
  check "bash: $command -- <Tab> offers every declared flag" "$declared" "$offered"
done

# --- zsh ----------------------------------------------------------------------------------------------------
if ! command -v zsh >/dev/null; then
  echo "FAIL: zsh is not installed (scripts/install-deps.sh --test installs it)"
  exit 1
fi
# zsh_screen INPUT: the terminal's text after typing INPUT, Tab and Enter into an interactive zsh.
zsh_screen() {
  zsh -f -c '
    zmodload zsh/zpty || exit 1
    zpty -b z zsh -f -i
    zpty -w z "PS1=\"> \"; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; vgsales() { print -r -- \"RAN<\$*>\" }"
    zpty -w -n z "$2"$'"'"'\t'"'"'
    sleep 1
    zpty -w -n z $'"'"'\n'"'"'
    zpty -w z "print END-OF-SCREEN"
    out=""
    for _ in {1..50}; do
      while zpty -r -t z line; do out+=$line; done
      [[ $out == *$'"'"'\nEND-OF-SCREEN'"'"'* ]] && break
      sleep 0.1
    done
    zpty -d z
    print -r -- "$out"' _ "$completions" "$1" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]/ /g'
}
ran() { grep -ao 'RAN<[^>]*>' | tail -1; }
check "zsh: vgsales tr<Tab> completes to train" "RAN<train>" "$(zsh_screen 'vgsales tr' | ran)"
check "zsh: --target-transform l<Tab> completes to log1p" "RAN<train --target-transform log1p>" \
  "$(zsh_screen 'vgsales train --target-transform l' | ran)"
screen=$(zsh_screen 'vgsales train --target-transform ')
check "zsh: --target-transform <Tab> lists auto, none and log1p" "auto log1p none" \
  "$(grep -aoE '\b(auto|none|log1p)\b' <<<"$screen" | sort -u | paste -sd' ')"
check "zsh: export --format t<Tab> completes to torchscript" "RAN<export --format torchscript>" \
  "$(zsh_screen 'vgsales export --format t' | ran)"
check "zsh: serve --no<Tab> completes to --no-ui" "RAN<serve --no-ui>" "$(zsh_screen 'vgsales serve --no' | ran)"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
