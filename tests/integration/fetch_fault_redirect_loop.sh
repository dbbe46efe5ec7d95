#!/usr/bin/env bash
# A redirect loop stops at the redirect limit and is not retried.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
start_server '{"*": {"mode": "redirect-loop"}}'
sha=$(make_source a.tar 2000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: Maximum (10) redirects followed (attempt 1 of 3)"
[ "$(requests)" -eq 11 ] || fail "expected 11 requests, got $(requests)"
expect_store_sound
echo ok
