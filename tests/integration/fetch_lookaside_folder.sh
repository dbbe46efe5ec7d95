#!/usr/bin/env bash
# A lookaside cache given as a folder path relative to the project root fills the store.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
sha=$(make_source hello-1.0.tar.gz 70000)
put_lookaside "$LOOKASIDE" hello-1.0.tar.gz
write_project '"../lookaside"'
add_package hello hello-1.0.tar.gz "$sha" "https://example.invalid/hello-1.0.tar.gz"

run_fetch
expect_ok
expect_err "fetch: fetched hello-1.0.tar.gz (68.4 KiB) from file://$LOOKASIDE/hello-1.0.tar.gz/$sha/hello-1.0.tar.gz"
expect_err "fetch: 1 fetched"
expect_stored hello-1.0.tar.gz
[ -z "$(ls -A "$OSBUILD_CACHE_DIR/tmp/fetch" | grep -v '^lock$' || true)" ] || fail "partial files left behind"
expect_store_sound

run_fetch
expect_ok
expect_err "fetch: nothing to fetch, 1 source already present ("
echo ok
