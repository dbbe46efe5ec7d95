#!/usr/bin/env bash
# A branch name as rev is refused with a message that says how to pin it.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
make_git_repo
write_project ''
add_git_package tool "file://$WORK/git/repo.git" "main"
run_fetch
expect_fail
expect_err "'main'"
expect_err "40"
[ ! -d "$OSBUILD_CACHE_DIR/git" ] || fail "the mirror was touched for a bad rev"
echo ok
