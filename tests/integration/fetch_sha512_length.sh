#!/usr/bin/env bash
# A sha512 of the wrong length is refused before anything is fetched.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
write_project ''
add_package a a.tar "0123abcd" "https://a.invalid/a.tar"
run_fetch
expect_fail
expect_err "sha512"
expect_err "128"
echo ok
