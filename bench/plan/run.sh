#!/usr/bin/env bash
# `osbuild plan` on a generated project of 2,000 packages and ~10,000 edges. Prints the wall time
# of each run and the median; the goal is under 0.5 s on a 2-core machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
osbuild=${OSBUILD:-$top/build/osbuild}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$top/bench/plan/gen_project.py" "$work/project" --packages "${PACKAGES:-2000}" --edges "${EDGES:-10000}"
export OSBUILD_CACHE_DIR="$work/cache"
"$osbuild" -C "$work/project" plan big >/dev/null  # warm the page cache
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 10 -N "$osbuild -C $work/project plan big" \
            "$osbuild -C $work/project --json plan big"
else
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e s" "$osbuild" -C "$work/project" plan big >/dev/null
  done
fi
