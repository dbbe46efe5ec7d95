#!/usr/bin/env bash
# 404 is not retried and moves on to the next place.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
start_server '{"*": {"mode": "404"}}'
sha=$(make_source a.tar 1000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: not found (HTTP 404)"
[ "$(requests)" -eq 1 ] || fail "a 404 was retried: $(requests) requests"
expect_store_sound
echo ok
