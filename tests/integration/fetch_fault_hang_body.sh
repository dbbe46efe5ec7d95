#!/usr/bin/env bash
# A body that stops halfway times out; the retry resumes with a Range request and finishes.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "hang-body", "hang": 30, "times": 1}}'
serve_one a.tar 200000
run_fetch
expect_ok
expect_err "Operation too slow. Less than 1024 bytes/sec transferred the last 2 seconds (attempt 1 of 3); retrying in"
grep -q "range=bytes=100000-" "$SERVER_LOG" || fail "the retry did not resume: $(cat "$SERVER_LOG")"
expect_stored a.tar
expect_store_sound
echo ok
