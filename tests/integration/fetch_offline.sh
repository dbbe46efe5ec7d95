#!/usr/bin/env bash
# --offline touches no network: it lists every missing source and the command that fetches it.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server
write_project "\"$BASE\""
sha1=$(make_source one.tar 1000)
sha2=$(make_source two.tar 2000)
put_lookaside "$SERVED" one.tar
put_lookaside "$SERVED" two.tar
add_package one one.tar "$sha1" "https://a.invalid/one.tar"
add_package two two.tar "$sha2" "https://a.invalid/two.tar"
run_fetch --offline
expect_fail
expect_err "osbuild: error: offline, and 2 sources are not in the store:"
expect_err "  one.tar (package one, "
expect_err "  two.tar (package two, "
expect_err "hint: run \`osbuild fetch\` with network access, then run again with --offline"
[ "$(requests)" -eq 0 ] || fail "--offline made requests"

run_fetch
expect_ok
run_fetch --offline
expect_ok
[ "$(requests)" -eq 2 ] || fail "expected 2 requests in all, got $(requests)"
echo ok
