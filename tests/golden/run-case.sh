#!/usr/bin/env bash
# Runs one golden case: a folder holding a project (files under `project/`), a `cmd` file with the
# osbuild arguments (one line), and `expected` with the exact output (stdout and stderr together)
# and `status` with the exit code. OSBUILD_GOLDEN_UPDATE=1 rewrites `expected` and `status`.
set -u
case_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -d "$case_dir/project" ]; then
  cp -a "$case_dir/project/." "$work/"
fi
read -r -a args < "$case_dir/cmd"
actual=$(cd "$work" && HOME="$work/home" OSBUILD_CACHE_DIR="$work/cache" NO_COLOR=1 \
  "$OSBUILD" "${args[@]}" 2>&1)
status=$?
# Paths inside the temporary folder are written as <project>.
actual=${actual//$work/<project>}
if [ "${OSBUILD_GOLDEN_UPDATE:-}" = 1 ]; then
  printf '%s\n' "$actual" > "$case_dir/expected"
  echo "$status" > "$case_dir/status"
  exit 0
fi
expected=$(cat "$case_dir/expected")
want_status=$(cat "$case_dir/status" 2>/dev/null || echo 1)
if [ "$actual" != "$expected" ] || [ "$status" != "$want_status" ]; then
  echo "golden case $(basename "$case_dir") differs"
  echo "--- expected (status $want_status)"; echo "$expected"
  echo "--- actual (status $status)"; echo "$actual"
  exit 1
fi
