#!/usr/bin/env bash
# 403 is permanent: no retry, the status and attempt are named.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
start_server '{"*": {"mode": "403"}}'
sha=$(make_source a.tar 1000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: HTTP 403 (attempt 1 of 3)"
[ "$(requests)" -eq 1 ] || fail "a 403 was retried: $(requests) requests"
expect_store_sound
echo ok
