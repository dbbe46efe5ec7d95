#!/usr/bin/env bash
# Writes the docs that are generated from the code, so they cannot drift from it:
#   docs/osbuild.1          the man page          (osbuild docs man)
#   docs/commands.md        every command/option  (osbuild docs commands)
#   docs/configuration.md   every setting and key (osbuild docs configuration)
# Usage: scripts/gen-docs.sh [--check] [path/to/osbuild]
#   --check   write nothing; fail listing the differences when a committed file is out of date
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
check=0
if [ "${1:-}" = --check ]; then
  check=1
  shift
fi
osbuild=${1:-${OSBUILD:-${OSBUILD_BUILD_DIR:-$top/build}/osbuild}}
[ -x "$osbuild" ] || { echo "gen-docs: no osbuild binary at $osbuild: run scripts/build.sh first, or pass its path" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stale=0
for pair in man:osbuild.1 commands:commands.md configuration:configuration.md; do
  kind=${pair%%:*}
  file=$top/docs/${pair#*:}
  # A fixed environment: nothing the caller has set may leak into the committed text.
  env -i PATH="$PATH" HOME="$tmp" "$osbuild" docs "$kind" >"$tmp/$kind"
  if [ "$check" = 1 ]; then
    if ! diff -u "$file" "$tmp/$kind" >"$tmp/$kind.diff" 2>&1; then
      echo "gen-docs: docs/${pair#*:} is out of date; run scripts/gen-docs.sh and commit the result:" >&2
      head -n 40 "$tmp/$kind.diff" >&2
      stale=1
    fi
  elif ! cmp -s "$tmp/$kind" "$file"; then
    cp "$tmp/$kind" "$file"
    echo "wrote docs/${pair#*:}"
  fi
done
exit "$stale"
