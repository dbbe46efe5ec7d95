#!/usr/bin/env bash
# A lookaside folder that does not exist is a configuration mistake, said before any download.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
sha=$(make_source a.tar 100)
write_project '"../no-such-lookaside"'
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
[ "$RC" -eq 2 ] || fail "expected a usage error (2), got $RC"
expect_err "osbuild: error: lookaside folder $WORK/no-such-lookaside does not exist (sources.lookaside entry '../no-such-lookaside' from osbuild.toml)"
expect_err "hint: create the folder or fix the entry in osbuild.toml"
echo ok
