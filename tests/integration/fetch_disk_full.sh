#!/usr/bin/env bash
# A cache on a file system that fills up: the error names the file and the cause, and nothing
# partial is left in the store. Needs root for a 1 MiB tmpfs.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
mkdir -p "$WORK/small"
if ! mount -t tmpfs -o size=1m tmpfs "$WORK/small" 2>/dev/null; then
  echo "skip: cannot mount a tmpfs here (needs root)"; exit 125
fi
CLEANUP_HOOKS+=("umount '$WORK/small'")
export OSBUILD_CACHE_DIR=$WORK/small/cache
start_server
serve_one big.tar 3000000
run_fetch
expect_fail
expect_err "cannot write $OSBUILD_CACHE_DIR/tmp/fetch/${SHA:0:64}.partial: No space left on device"
expect_err "hint: free some space in $OSBUILD_CACHE_DIR (or set OSBUILD_CACHE_DIR elsewhere) and run \`osbuild fetch\` again"
[ -z "$(find "$OSBUILD_CACHE_DIR" -name '*.partial*')" ] || fail "the partial file was kept on a full disk"
[ "$(grep -c 'retrying' <<<"$ERR" || true)" -eq 0 ] || fail "a full disk was retried"
expect_store_sound
echo ok
