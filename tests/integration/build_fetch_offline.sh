#!/usr/bin/env bash
# `osbuild build --offline` with an empty store fetches nothing: it fails (exit 1) listing every
# missing source with its package, file name and sha512 prefix, and says how to get them.
source "$OSBUILD_TESTS/integration/build_fetch_lib.bash"
fetch_project

run build variant dev --offline
expect_status 1
expect_contains "osbuild: error: offline, and 3 sources are not in the store:"
for name in base app other; do
  expect_contains "  $name.txt (package $name, "
  expect_contains "$name/package.toml"
  expect_contains "): sha512 $(sha512_prefix "$name")..."
done
expect_contains "hint: run \`osbuild fetch --variant dev\` with network access, then run again with --offline"
expect_contains "or put the files into a lookaside cache (sources.lookaside)"
expect_eq "$(requests)" 0 "requests made offline"
[ -d "build/packages" ] && fail "an offline build without its sources built something"

out=$(OSBUILD_OFFLINE=true "$OSBUILD" build package app 2>&1)
status=$?
expect_status 1
expect_contains "offline, and 2 sources are not in the store:"
expect_eq "$(requests)" 0 "requests made offline (OSBUILD_OFFLINE)"

# Once fetched, the offline build needs nothing more.
run fetch
expect_status 0
run build variant dev --offline
expect_status 0
expect_eq "$(requests)" 3 "requests in all"
finish
