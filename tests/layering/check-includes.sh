#!/usr/bin/env bash
# Checks every include between modules against the table in docs/ARCHITECTURE.md ("Dependency
# order"): a file under src/<m>/ or include/osbuild/<m>/ may include its own module and the
# modules the table lists for <m>, nothing else. Prints each include against the table as
# file:line and exits 1 when there is one.
set -euo pipefail
top=${OSBUILD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
doc="$top/docs/ARCHITECTURE.md"

declare -A allowed
# Table rows: | `module` | `a`, `b` | …  between the "## Dependency order" heading and the next one.
while IFS='|' read -r _ module deps _; do
  module=$(tr -d ' `' <<<"$module")
  [[ $module =~ ^[a-z]+$ ]] || continue
  allowed[$module]=" $(tr -d '`,' <<<"$deps" | tr -s ' ') "
done < <(awk '/^## Dependency order/ {on = 1; next} /^## / {on = 0} on && /^\| `/' "$doc")

[ ${#allowed[@]} -gt 0 ] || { echo "check-includes: no table rows found in $doc"; exit 1; }

bad=0
for dir in "$top"/src/* "$top"/include/osbuild/*; do
  [ -d "$dir" ] || continue
  module=$(basename "$dir")
  if [ -z "${allowed[$module]+set}" ]; then
    echo "check-includes: module '$module' ($dir) has no row in $doc"
    bad=1
    continue
  fi
  # "osbuild/<m>/…" (public headers) and "<m>/…" (a module's private headers, from src/).
  while IFS=: read -r file line text; do
    target=$(sed -E 's/^[[:space:]]*#include "(osbuild\/)?([a-z_]+)\/.*/\2/' <<<"$text")
    [ -n "${allowed[$target]+set}" ] || continue  # not a module (e.g. osbuild/version.h)
    [ "$target" = "$module" ] && continue
    [[ ${allowed[$module]} == *" $target "* ]] && continue
    echo "${file#"$top"/}:$line: $module may not include $target: $(sed -E 's/^[[:space:]]*//' <<<"$text")"
    bad=1
  done < <(grep -rnE '^[[:space:]]*#include "(osbuild/)?[a-z_]+/' "$dir" || true)
done
[ $bad -eq 0 ] && echo "check-includes: every include follows docs/ARCHITECTURE.md (${#allowed[@]} modules)"
exit $bad
