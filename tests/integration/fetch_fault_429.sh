#!/usr/bin/env bash
# 429 is retried after the server's Retry-After, not the (shorter) backoff.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "429", "retry_after": 1, "times": 1}}'
serve_one a.tar 20000
run_fetch
expect_ok
expect_err "fetch: $URL: HTTP 429 (attempt 1 of 3); retrying in 1000 ms"
expect_stored a.tar
expect_store_sound
echo ok
