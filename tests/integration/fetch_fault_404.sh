#!/usr/bin/env bash
# 404 is not retried and moves on to the next place.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "404"}}'
serve_one a.tar 1000
run_fetch
expect_fail
expect_err "$URL: not found (HTTP 404)"
[ "$(requests)" -eq 1 ] || fail "a 404 was retried: $(requests) requests"
expect_store_sound
echo ok
