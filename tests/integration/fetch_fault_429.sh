#!/usr/bin/env bash
# 429 is retried after the server's Retry-After, not the (shorter) backoff.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
start_server '{"*": {"mode": "429", "retry_after": 1, "times": 1}}'
sha=$(make_source a.tar 20000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_ok
expect_err "fetch: $BASE/a.tar/$sha/a.tar: HTTP 429 (attempt 1 of 3); retrying in 1000 ms"
expect_stored a.tar
expect_store_sound
echo ok
