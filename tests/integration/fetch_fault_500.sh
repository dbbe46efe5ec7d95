#!/usr/bin/env bash
# 500 then 200 succeeds after a retry; 500 every time fails naming the last attempt.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "500", "times": 1}}'
serve_one a.tar 20000
run_fetch
expect_ok
expect_err "fetch: $URL: HTTP 500 (attempt 1 of 3); retrying in"
expect_stored a.tar
expect_store_sound

rm -rf "$OSBUILD_CACHE_DIR"
set_control '{"*": {"mode": "500"}}'
run_fetch
expect_fail
expect_err "$URL: HTTP 500 (attempt 3 of 3)"
expect_store_sound
echo ok
