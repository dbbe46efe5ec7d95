#!/usr/bin/env bash
# A redirect loop stops at the redirect limit and is not retried.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "redirect-loop"}}'
serve_one a.tar 2000
run_fetch
expect_fail
expect_err "$URL: Maximum (10) redirects followed (attempt 1 of 3)"
[ "$(requests)" -eq 11 ] || fail "expected 11 requests, got $(requests)"
expect_store_sound
echo ok
