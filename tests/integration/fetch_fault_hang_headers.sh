#!/usr/bin/env bash
# A server that accepts but never answers is given up on after the low-speed time.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
export OSBUILD_FETCH_RETRIES=0
start_server '{"*": {"mode": "hang-headers", "hang": 30}}'
sha=$(make_source a.tar 20000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
start=$(date +%s)
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: no response within the timeout: Operation too slow. Less than 1024 bytes/sec transferred the last 2 seconds (attempt 1 of 1)"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "the hang was not cut short"
expect_store_sound
echo ok
