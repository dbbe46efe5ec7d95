#!/usr/bin/env bash
# The hardening part of CI, after the normal suite: the whole suite under ASan+UBSan, the
# scheduler and fetcher tests under TSan, and a short run of every fuzz target. Each part prints
# one timing line; every part runs even when an earlier one failed, and the script fails if any
# did. Environment: OSBUILD_FUZZ_SECONDS (default 30 per target), OSBUILD_FUZZ_SEED (default 1,
# so that a CI run mutates the same way every time and a failure replays with the same seed).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${OSBUILD_FUZZ_SECONDS:-30}
export OSBUILD_FUZZ_SEED=${OSBUILD_FUZZ_SEED:-1}
failed=()
total=$SECONDS

part() {
  local name=$1 start=$SECONDS rc=0
  shift
  echo "== hardening: $name"
  "$@" || rc=$?
  local took=$((SECONDS - start))
  printf 'hardening: %-28s %4d s  %s\n' "$name" "$took" "$([ $rc = 0 ] && echo ok || echo FAILED)"
  [ $rc = 0 ] || failed+=("$name")
}

part "asan+ubsan suite" "$top/scripts/sanitize.sh" asan
part "tsan scheduler+fetch" "$top/scripts/sanitize.sh" tsan
part "fuzz build" "$top/scripts/fuzz.sh" build
part "fuzz ${seconds} s per target" "$top/scripts/fuzz.sh" run "$seconds"

printf 'hardening: %-28s %4d s\n' total $((SECONDS - total))
if [ ${#failed[@]} -gt 0 ]; then
  echo "hardening: failed: ${failed[*]}" >&2
  exit 1
fi
