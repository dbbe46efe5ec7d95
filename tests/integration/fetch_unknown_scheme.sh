#!/usr/bin/env bash
# An unknown scheme is refused in an upstream URL (by the loader) and in a lookaside entry.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
sha=$(make_source a.tar 100)
write_project ''
add_package a a.tar "$sha" "ftp://ftp.example.org/a.tar" "force-upstream = true"
run_fetch
expect_fail
expect_err "packages/a/package.toml:7:7: unsupported URL scheme 'ftp'"

add_package a a.tar "$sha" "https://a.invalid/a.tar"
OSBUILD_LOOKASIDE="gopher://cache.example.org" run_fetch
expect_fail
expect_err "osbuild: error: sources.lookaside from OSBUILD_LOOKASIDE: unsupported URL scheme 'gopher' in 'gopher://cache.example.org': use http://, https:// or file://"
expect_store_sound
echo ok
