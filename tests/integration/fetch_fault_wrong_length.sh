#!/usr/bin/env bash
# A Content-Length larger than the body is a truncated transfer, not a finished file.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "wrong-length", "extra": 1000}}'
serve_one a.tar 20000
run_fetch
expect_fail
expect_err "$URL: transfer closed with 1000 bytes remaining to read (attempt 1 of 3); retrying in"
expect_err "osbuild: error: cannot fetch 1 of 1 source:"
expect_err "hint: fix the causes above and run \`osbuild fetch\` again; finished files are kept and interrupted downloads resume"
expect_store_sound
echo ok
