#!/usr/bin/env bash
# `osbuild build variant` with an empty store fetches the sources its packages need through the
# fetch stage, each file requested once, and builds with them.
source "$OSBUILD_TESTS/integration/build_fetch_lib.bash"
fetch_project

run build variant dev
expect_status 0
expect_not_contains "osbuild fetch"
expect_contains "fetch: 3 fetched"
for name in base app other; do
  expect_eq "$(requests "$name")" 1 "requests for $name.txt"
  expect_eq "$(cat "build/packages/$(uname -m)/$name/$name.txt" 2>/dev/null)" \
    "the source of $name" "$name built from its fetched source"
done
expect_eq "$(requests)" 3 "requests in all"
finish
