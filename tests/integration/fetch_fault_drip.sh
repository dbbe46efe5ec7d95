#!/usr/bin/env bash
# A server dripping bytes below the low-speed limit is given up on.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
export OSBUILD_FETCH_RETRIES=0
start_server '{"*": {"mode": "drip", "chunk": 64, "interval": 0.5}}'
serve_one a.tar 50000
run_fetch
expect_fail
expect_err "$URL: Operation too slow. Less than 1024 bytes/sec transferred the last 2 seconds (attempt 1 of 1)"
expect_store_sound
echo ok
