#!/usr/bin/env bash
# 403 is permanent: no retry, the status and attempt are named.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "403"}}'
serve_one a.tar 1000
run_fetch
expect_fail
expect_err "$URL: HTTP 403 (attempt 1 of 3)"
[ "$(requests)" -eq 1 ] || fail "a 403 was retried: $(requests) requests"
expect_store_sound
echo ok
