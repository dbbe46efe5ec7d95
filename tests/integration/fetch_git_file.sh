#!/usr/bin/env bash
# A file:// bare repository; a commit that is not in the repository names the URL and rev.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
make_git_repo
write_project ''
add_git_package tool "file://$WORK/git/repo.git" "$GIT_REV"
run_fetch
expect_ok
[ "$(cas_tars "$OSBUILD_CACHE_DIR" | wc -w)" -eq 1 ] || fail "no tar in the store"

missing=0123456789abcdef0123456789abcdef01234567
add_git_package tool "file://$WORK/git/repo.git" "$missing"
run_fetch
expect_fail
expect_err "git revision $missing not found in file://$WORK/git/repo.git"
expect_err "hint: check that the commit is pushed to a branch or tag of that repository"
expect_store_sound
echo ok
