#!/usr/bin/env bash
# An http:// lookaside cache, tried after a folder that does not have the file.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server
sha=$(make_source zlib-1.3.1.tar.gz 300000)
put_lookaside "$SERVED/cache" zlib-1.3.1.tar.gz
write_project "\"../lookaside\", \"$BASE/cache/\""
add_package zlib zlib-1.3.1.tar.gz "$sha" "https://zlib.invalid/zlib-1.3.1.tar.gz"

run_fetch
expect_ok
expect_err "fetch: zlib-1.3.1.tar.gz: not in lookaside file://$LOOKASIDE/zlib-1.3.1.tar.gz/$sha/zlib-1.3.1.tar.gz, trying $BASE/cache/zlib-1.3.1.tar.gz/$sha/zlib-1.3.1.tar.gz"
expect_err "fetch: fetched zlib-1.3.1.tar.gz (293.0 KiB) from $BASE/cache/zlib-1.3.1.tar.gz/$sha/zlib-1.3.1.tar.gz"
expect_no_err "error"
grep -q "^GET /cache/zlib-1.3.1.tar.gz/$sha/zlib-1.3.1.tar.gz range=-" "$SERVER_LOG" || fail "no request logged"
expect_stored zlib-1.3.1.tar.gz
expect_store_sound
echo ok
