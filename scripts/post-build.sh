#!/usr/bin/env bash
# Trunk post-build hook: writes sw.js into the staged build with the list of the files to cache
# on install for offline use (all but the example data, cached when first used) and a version
# that changes whenever any file's content changes.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"
files=$(find . -type f ! -name sw.js ! -name '*.map' | sed 's|^\./||' | LC_ALL=C sort)
version=$(printf '%s\n' $files | xargs sha256sum | sha256sum | cut -c1-16)
# The app itself is cached on install; the example files (1,4 MB) only once they are used.
shell=$(printf '%s\n' $files | grep -v '^exempel/')
list=$( { echo './'; printf '%s\n' $shell | sed 's|^|./|'; } | sed 's/.*/"&"/' | paste -sd, )
sed -e "s|__VERSION__|$version|" -e "s|__FILES__|[$list]|" "$TRUNK_SOURCE_DIR/scripts/sw.js" > sw.js
