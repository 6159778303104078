#!/usr/bin/env bash
# The Debian packages CPack builds (cmake/packaging.cmake), checked as a user would meet them: their metadata and
# contents with dpkg-deb (the man pages and shell completions among them), an install and removal with dpkg into a
# scratch root, the installed man pages against the installed program, and the extracted program run from there
# (--version, synth, train, predict, and export --format torchscript with the plugin found where the package put it,
# and refused with a hint when only the vgsales package is installed).
# Usage: check_debian_packages.sh PACKAGE_DIR VERSION
set -euo pipefail
packages=${1:?usage: check_debian_packages.sh PACKAGE_DIR VERSION}
version=${2:?usage: check_debian_packages.sh PACKAGE_DIR VERSION}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

arch=$(dpkg --print-architecture)
main_deb="$packages/vgsales_${version}_${arch}.deb"
plugin_deb="$packages/vgsales-torchscript_${version}_${arch}.deb"
check "both packages were built" "yes yes" "$([[ -f $main_deb ]] && echo yes || echo no) $([[ -f $plugin_deb ]] && echo yes || echo no)"
[[ -f $main_deb && -f $plugin_deb ]] || exit 1

# --- metadata ------------------------------------------------------------------------------------------------
dpkg-deb --info "$main_deb"
dpkg-deb --info "$plugin_deb"
main_depends=$(dpkg-deb -f "$main_deb" Depends)
plugin_depends=$(dpkg-deb -f "$plugin_deb" Depends)
check "vgsales is the program's package" "vgsales $version" "$(dpkg-deb -f "$main_deb" Package Version | awk '{print $2}' | paste -sd' ')"
# dpkg-shlibdeps found the libraries the binary links, versioned as their packages' shlibs files say.
check "vgsales depends on the C and C++ runtimes (from dpkg-shlibdeps)" "yes yes" \
  "$(grep -q 'libc6 (>= ' <<<"$main_depends" && echo yes || echo no) $(grep -q 'libstdc++6 (>= ' <<<"$main_depends" && echo yes || echo no)"
check "vgsales needs no LibTorch, OpenCV, Qt, GDAL, LLVM or ffmpeg" "" \
  "$(tr ',' '\n' <<<"$main_depends" | grep -Ei 'torch|opencv|qt|gdal|llvm|libav|dnnl|openblas' || true)"
check "vgsales-torchscript depends on vgsales of the same version" "yes" \
  "$(grep -qF "vgsales (= $version)" <<<"$plugin_depends" && echo yes || echo no)"
check "vgsales-torchscript depends on LibTorch's runtime package" "yes" \
  "$(grep -Eq '(^|, )libtorch[0-9.]+ ' <<<"$plugin_depends" && echo yes || echo no)"

# --- contents: where the loader looks (src/export/torchscript_plugin.cpp: ../lib/vgsales/ beside bin/) -----------
main_files=$(dpkg-deb --contents "$main_deb" | awk '{print $6}' | grep -v '/$')
plugin_files=$(dpkg-deb --contents "$plugin_deb" | awk '{print $6}' | grep -v '/$')
echo "$main_files"
echo "$plugin_files"
check "vgsales installs the program in /usr/bin" "yes" "$(grep -qx './usr/bin/vgsales' <<<"$main_files" && echo yes || echo no)"
check "vgsales installs the docs in /usr/share/doc/vgsales" "yes" \
  "$(grep -qx './usr/share/doc/vgsales/README.md' <<<"$main_files" && echo yes || echo no)"
check "vgsales holds no shared object" "" "$(grep '\.so' <<<"$main_files" || true)"
# The completions generated from the flag declarations (cmake/cli_docs.cmake), where bash-completion and zsh look
# (the man pages are checked below, one per command the installed program lists).
check "vgsales installs bash completion" "yes" \
  "$(grep -qx './usr/share/bash-completion/completions/vgsales' <<<"$main_files" && echo yes || echo no)"
check "vgsales installs zsh completion" "yes" \
  "$(grep -qx './usr/share/zsh/vendor-completions/_vgsales' <<<"$main_files" && echo yes || echo no)"
check "vgsales-torchscript holds only the plugin, in /usr/lib/vgsales" "./usr/lib/vgsales/libvgsales_torchscript.so" "$plugin_files"

# --- dpkg into a scratch root: registered, listed and removed cleanly ----------------------------------------
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$work/bin"
touch "$root/var/lib/dpkg/status"
# CPack gives a package with a library under /usr/lib a postinst and postrm that run ldconfig. The scratch root has no
# shell to chroot into, so the scripts run outside it (--force-script-chrootless), with a stand-in ldconfig that
# records the call instead of rewriting the host's cache.
printf '#!/bin/sh\necho "$@" >>"%s/ldconfig.calls"\n' "$work" >"$work/bin/ldconfig"
chmod +x "$work/bin/ldconfig"
in_root() { PATH="$work/bin:$PATH" dpkg --root="$root" --force-not-root --force-script-chrootless --log=/dev/null "$@"; }
# --force-depends: the scratch root has no libc6 etc. registered (the host's libraries are what the binary uses).
in_root --force-depends -i "$main_deb" "$plugin_deb" >"$work/dpkg.log" 2>&1 ||
  { cat "$work/dpkg.log"; check "dpkg installs both packages" "0" "failed"; }
check "the plugin's postinst ran (its ldconfig call)" "yes" "$([[ -s $work/ldconfig.calls ]] && echo yes || echo no)"
check "dpkg registers both packages" "ii vgsales ii vgsales-torchscript" \
  "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Abbrev}${Package}\n' | sed 's/ *$//;s/  */ /g' | sort | paste -sd' ')"
vgsales="$root/usr/bin/vgsales"
check "the installed program runs" "vgsales $version" "$("$vgsales" --version)"
# The package (dpkg-deb --contents above) holds vgsales(1) and a man page for every command the installed program
# lists, in /usr/share/man/man1 where man-db looks; installed, each shows every flag of `vgsales COMMAND --help`
# with its default and renders with groff -ww silently (tests/docs/man_pages_test.py).
installed_commands=$("$vgsales" --help | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z0-9_-]*) {2,}.*/\1/p')
for page in vgsales $(sed 's/^/vgsales-/' <<<"$installed_commands"); do
  check "vgsales holds the man page $page(1)" "yes" \
    "$(grep -qx "./usr/share/man/man1/$page.1.gz" <<<"$main_files" && echo yes || echo no)"
done
if /usr/bin/python3 "$(dirname "$0")/../docs/man_pages_test.py" "$vgsales" "$root/usr/share/man/man1" >"$work/man.log" 2>&1; then
  check "the installed man pages show every flag of --help with its default, groff -ww silent" "0" "0"
else
  cat "$work/man.log"
  check "the installed man pages show every flag of --help with its default, groff -ww silent" "0" "1"
fi
check "man vgsales-train reads the installed page" "yes" \
  "$(MANPAGER=cat MANWIDTH=200 man -l "$root/usr/share/man/man1/vgsales-train.1.gz" 2>/dev/null | grep -q -- '--target-transform auto|none|log1p' && echo yes || echo no)"
check "the installed program links no LibTorch" "" "$(ldd "$vgsales" | grep -Ei 'torch|opencv|Qt|gdal' || true)"

# --- the installed program at work, with the plugin from its installed place ----------------------------------
unset VGSALES_TORCHSCRIPT_PLUGIN
"$vgsales" synth --rows 300 --seed 5 --out "$work/games.csv" >/dev/null
"$vgsales" train --train "$work/games.csv" --target total_earnings --out "$work/model" --epochs 5 --layers 8 \
  --no-logs --quiet >/dev/null
prediction=$("$vgsales" predict --model "$work/model" --row 'critic_rating=4.1,is_action=1,is_exclusive_to_us=1,is_portable=1,is_role_playing=0,is_sequel=1,is_sports=0,suitable_for_kids=1,unit_price=55.99')
# The mean on the first line; a model with an interval adds a line with the median and the bounds.
check "predict answers a number" "yes" "$([[ ${prediction%%$'\n'*} =~ ^-?[0-9.e+-]+$ ]] && echo yes || echo no)"
check "predict gives the median and the interval" "yes" \
  "$([[ $prediction == *$'\n'"median "*", 80% interval "*" to "* ]] && echo yes || echo no)"
"$vgsales" export --model "$work/model" --out "$work/exports" --format torchscript >"$work/export.log" 2>&1 ||
  cat "$work/export.log"
check "export --format torchscript loads the installed plugin and writes model.pt" "yes" \
  "$([[ -s $work/exports/1/model.pt ]] && echo yes || echo no)"

# Only the server's package: everything but TorchScript works, and TorchScript says which package to install.
in_root -r vgsales-torchscript >/dev/null
check "removing vgsales-torchscript removes the plugin" "no" "$([[ -e $root/usr/lib/vgsales/libvgsales_torchscript.so ]] && echo yes || echo no)"
"$vgsales" export --model "$work/model" --out "$work/exports" --format onnx >/dev/null
check "without the plugin, export --format onnx still works" "yes" "$([[ -s $work/exports/2/model.onnx ]] && echo yes || echo no)"
set +e
"$vgsales" export --model "$work/model" --out "$work/exports" --format torchscript 2>"$work/refused.err" >/dev/null
status=$?
set -e
check "without the plugin, export --format torchscript fails with exit 1" "1" "$status"
check "... and names the package to install" "yes" \
  "$(grep -q 'install the vgsales-torchscript package' "$work/refused.err" && echo yes || echo no)"
in_root -r vgsales >/dev/null
check "removing vgsales leaves no file behind" "" "$(find "$root/usr" -type f 2>/dev/null)"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all package checks passed"
