#!/usr/bin/env bash
# `osbuild build package P` fetches P's sources and its dependencies', not the project's others.
source "$OSBUILD_TESTS/integration/build_fetch_lib.bash"
fetch_project

run build package app
expect_status 0
expect_contains "fetch: 2 fetched"
expect_eq "$(built_list)" "app base" "packages built"
expect_eq "$(requests app)" 1 "requests for app.txt"
expect_eq "$(requests base)" 1 "requests for base.txt"
expect_eq "$(requests other)" 0 "requests for other.txt, which app does not need"

# The variant then fetches only what is still missing.
run build variant dev
expect_status 0
expect_contains "fetch: 1 fetched"
expect_eq "$(requests other)" 1 "requests for other.txt"
expect_eq "$(requests)" 3 "requests in all"
finish
