#!/usr/bin/env bash
# A Content-Length larger than the body is a truncated transfer, not a finished file.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
start_server '{"*": {"mode": "wrong-length", "extra": 1000}}'
sha=$(make_source a.tar 20000)
put_lookaside "$SERVED" a.tar
write_project "\"$BASE\""
add_package a a.tar "$sha" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "$BASE/a.tar/$sha/a.tar: transfer closed with 1000 bytes remaining to read (attempt 1 of 3); retrying in"
expect_err "osbuild: error: cannot fetch 1 of 1 source:"
expect_store_sound
echo ok
