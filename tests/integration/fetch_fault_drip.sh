#!/usr/bin/env bash
# A server dripping bytes below the low-speed limit is given up on.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
export OSBUILD_FETCH_RETRIES=0
start_server '{"*": {"mode": "drip", "chunk": 64, "interval": 0.5}}'
sha=$(make_source a.tar 50000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: Operation too slow. Less than 1024 bytes/sec transferred the last 2 seconds (attempt 1 of 1)"
expect_store_sound
echo ok
