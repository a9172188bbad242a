#!/usr/bin/env bash
# Trunk post-build hook: writes sw.js into the staged build with the list of the files to cache
# on install for offline use (all but the example data, the workbook module and Kolada's groups,
# cached when first used) and a version
# that changes whenever any file's content changes.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"

# First the workbook module (crates/xlsx: reading .xlsx and the other workbooks, writing the .xlsx
# and zip exports), which the worker loads only when it needs it (src/xlsx.rs). Built here because
# trunk builds no wasm-bindgen script with a global of its own, and the worker's glue has taken
# the default one.
profile="${TRUNK_PROFILE:-release}"
cd "$TRUNK_SOURCE_DIR"
# Where cargo puts it, however its target directory is set (environment, config, relative).
target_dir=$(cargo metadata --offline --locked --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => console.log(JSON.parse(s).target_directory))')
target="$target_dir/wasm32-unknown-unknown/$profile"
cargo build --quiet --offline --locked --target wasm32-unknown-unknown -p kpb-xlsx $([ "$profile" = release ] && echo --release)
wasm-bindgen --target no-modules --no-modules-global kpb_xlsx --no-typescript --out-dir "$dir/xlsx" "$target/kpb_xlsx.wasm"
if [ "$profile" = release ]; then
  wasm-opt -O3 --output="$dir/xlsx/kpb_xlsx_bg.wasm" "$dir/xlsx/kpb_xlsx_bg.wasm"
fi

cd "$dir"
files=$(find . -type f ! -name sw.js ! -name '*.map' | sed 's|^\./||' | LC_ALL=C sort)
version=$(printf '%s\n' $files | xargs sha256sum | sha256sum | cut -c1-16)
# The app itself is cached on install; the example files (1,4 MB), the workbook module and
# Kolada's list of groups only once they are used.
shell=$(printf '%s\n' $files | grep -v -e '^exempel/' -e '^xlsx/' -e '^kolada/')
list=$( { echo './'; printf '%s\n' $shell | sed 's|^|./|'; } | sed 's/.*/"&"/' | paste -sd, )
sed -e "s|__VERSION__|$version|" -e "s|__FILES__|[$list]|" "$TRUNK_SOURCE_DIR/scripts/sw.js" > sw.js
