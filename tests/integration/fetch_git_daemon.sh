#!/usr/bin/env bash
# A git source from a real `git daemon` on 127.0.0.1: pinned commit, deterministic tar in the store.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
make_git_repo
start_git_daemon
write_project ''
add_git_package tool "git://127.0.0.1:$GIT_PORT/repo.git" "$GIT_REV"
run_fetch
expect_ok
expect_err "fetch: fetched git git://127.0.0.1:$GIT_PORT/repo.git @ $GIT_REV (package tool"
tars=$(cas_tars "$OSBUILD_CACHE_DIR")
[ "$(wc -w <<<"$tars")" -eq 1 ] || fail "expected one tar in the store, got: $tars"
tarfile=$(find "$OSBUILD_CACHE_DIR/cas" -name "$tars")
listing=$(tar -tvf "$tarfile" --numeric-owner)
[ "$(tar -tf "$tarfile")" = "$(printf 'README\nlink\nsub/\nsub/deeper/\nsub/deeper/file.txt\ntool.sh')" ] ||
  fail "entries not sorted or wrong: $(tar -tf "$tarfile")"
grep -q -- "-rwxr-xr-x 0/0 .* 1970-01-01 00:00 tool.sh" <<<"$listing" || fail "bad tool.sh entry: $listing"
grep -q -- "lrwxrwxrwx 0/0 .* link -> sub/deeper/file.txt" <<<"$listing" || fail "bad symlink: $listing"
expect_store_sound

# Same commit through file:// into another cache: the same bytes, so the same digest.
first=$tars
export OSBUILD_CACHE_DIR=$WORK/cache2
add_git_package tool "file://$WORK/git/repo.git" "$GIT_REV"
run_fetch
expect_ok
[ "$(cas_tars "$OSBUILD_CACHE_DIR")" = "$first" ] || fail "the export is not deterministic"

# No-op: the daemon is not asked again.
kill "$GIT_DAEMON_PID" 2>/dev/null || true
run_fetch
expect_ok
expect_err "fetch: nothing to fetch, 1 source already present"
echo ok
