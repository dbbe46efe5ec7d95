#!/usr/bin/env bash
# The include check itself: a tree that follows its table passes, and an include against the
# table (upward, sideways, or from a module the table does not know) fails naming file and line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/docs" "$work/src/util" "$work/src/config" "$work/include/osbuild/config"
cat >"$work/docs/ARCHITECTURE.md" <<'DOC'
## Dependency order

| module | may include |
| --- | --- |
| `util` | |
| `config` | `util` |

## Next
DOC
printf '#include "osbuild/util/fs.h"\n#include "osbuild/version.h"\n' >"$work/src/config/load.cpp"
printf '#include "config/checks.h"\n' >"$work/src/config/checks.cpp"
printf '#include <string>\n' >"$work/src/util/fs.cpp"
run() { OSBUILD_SOURCE_DIR="$work" bash "$here/check-includes.sh"; }

out=$(run) || { echo "FAIL: a tree that follows its table was refused: $out"; exit 1; }

printf '#include <vector>\n#include "osbuild/config/model.h"\n' >"$work/src/util/text.cpp"
if out=$(run); then echo "FAIL: an upward include passed: $out"; exit 1; fi
grep -q 'src/util/text.cpp:2: util may not include config' <<<"$out" ||
  { echo "FAIL: the upward include was not named: $out"; exit 1; }
rm "$work/src/util/text.cpp"

mkdir -p "$work/src/graph"
printf '\n' >"$work/src/graph/plan.cpp"
if out=$(run); then echo "FAIL: a module without a row passed: $out"; exit 1; fi
grep -q "module 'graph'" <<<"$out" || { echo "FAIL: the unknown module was not named: $out"; exit 1; }
echo "ok"
