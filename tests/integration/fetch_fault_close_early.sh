#!/usr/bin/env bash
# A connection closed halfway is retried with Range; closed every time it fails naming the attempt.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "close-early", "times": 1}}'
serve_one a.tar 200000
run_fetch
expect_ok
expect_err "fetch: $URL: transfer closed with 100000 bytes remaining to read (attempt 1 of 3); retrying in"
grep -q "range=bytes=100000-" "$SERVER_LOG" || fail "the retry did not resume"
expect_stored a.tar
expect_store_sound

rm -rf "$OSBUILD_CACHE_DIR"
set_control '{"*": {"mode": "close-early", "times": 100}}'
run_fetch
expect_fail
expect_err "(attempt 3 of 3)"
expect_err "bytes remaining to read"
expect_store_sound
echo ok
