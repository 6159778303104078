#!/usr/bin/env bash
# The layering check must fail on a tree where a lower stage includes a higher one, or a CMakeLists links a stage by
# hand, and pass on the same tree without them: proof that the check can fail.
set -euo pipefail
python=$1
check=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cmake" "$work/src/data" "$work/src/model"
cat >"$work/cmake/stages.cmake" <<'LIST'
set(VGSALES_STAGE_DEPENDS_data "")
set(VGSALES_STAGE_DEPENDS_model data)
LIST
printf '#include "data/table.h"\n' >"$work/src/model/a.cpp"
printf '#include "data/table.h"\n' >"$work/src/data/b.cpp"
"$python" "$check" "$work" >/dev/null || { echo "a clean tree was refused"; exit 1; }
printf '#include "model/predictor.h"\n' >>"$work/src/data/b.cpp"
if out=$("$python" "$check" "$work"); then echo "a lower stage including a higher one passed"; exit 1; fi
grep -q "src/data/b.cpp:2: stage 'data' includes 'model/predictor.h'" <<<"$out" || { echo "unexpected: $out"; exit 1; }
printf '#include "data/table.h"\n' >"$work/src/data/b.cpp"
printf 'target_link_libraries(vgsales_data PUBLIC vgsales_model)\n' >"$work/src/data/CMakeLists.txt"
if out=$("$python" "$check" "$work"); then echo "a hand-made link passed"; exit 1; fi
grep -q "links vgsales_model by hand" <<<"$out" || { echo "unexpected: $out"; exit 1; }
echo "the layering check refuses both violations"
