#!/usr/bin/env bash
# Malformed upstream URLs that the config loader lets through are reported without a transfer.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
sha=$(make_source a.tar 100)
write_project ''
add_package a a.tar "$sha" "http://exa mple.org/a.tar" "force-upstream = true"
run_fetch
expect_fail
expect_err "malformed URL 'http://exa mple.org/a.tar': it contains a space or control character"

add_package a a.tar "$sha" "https://example.org:99999/a.tar" "force-upstream = true"
run_fetch
expect_fail
expect_err "malformed URL 'https://example.org:99999/a.tar': Port number was not a decimal number between 0 and 65535"
expect_store_sound
echo ok
