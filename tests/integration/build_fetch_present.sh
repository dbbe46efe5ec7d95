#!/usr/bin/env bash
# Sources already in the store are not fetched again: a build that must rebuild every package
# (--force), or one whose recipe changed, touches no server and says nothing about fetching.
source "$OSBUILD_TESTS/integration/build_fetch_lib.bash"
fetch_project

run build variant dev
expect_status 0
expect_eq "$(requests)" 3 "requests of the first build"

run build variant dev --force
expect_status 0
expect_contains "3 built"
expect_not_contains "fetch:"
expect_eq "$(requests)" 3 "requests after a forced rebuild"

echo 'echo changed' >>packages/app/build.sh
run build package app
expect_status 0
expect_eq "$(built_list)" "app" "only the changed package is built"
expect_not_contains "fetch:"
expect_eq "$(requests)" 3 "requests after a recipe change"

# `osbuild fetch` stays a stage of its own: everything is present, nothing is requested.
run fetch --variant dev
expect_status 0
expect_contains "nothing to fetch, 3 sources already present"
expect_eq "$(requests)" 3 "requests after osbuild fetch"
finish
