#!/usr/bin/env bash
# A server that accepts but never answers is given up on after the low-speed time.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
export OSBUILD_FETCH_RETRIES=0
start_server '{"*": {"mode": "hang-headers", "hang": 30}}'
serve_one a.tar 20000
start=$(date +%s)
run_fetch
expect_fail
expect_err "$URL: no response within the timeout: Operation too slow. Less than 1024 bytes/sec transferred the last 2 seconds (attempt 1 of 1)"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "the hang was not cut short"
expect_store_sound
echo ok
