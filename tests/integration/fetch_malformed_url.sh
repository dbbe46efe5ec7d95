#!/usr/bin/env bash
# A malformed upstream URL is reported without any transfer.
source "$OSBUILD_TESTS/tools/fetch_lib.sh"
sha=$(make_source a.tar 100)
write_project ''
add_package a a.tar "$sha" "http:///a.tar" "force-upstream = true"
run_fetch
expect_fail
expect_err "malformed URL 'http:///a.tar'"
expect_store_sound
echo ok
