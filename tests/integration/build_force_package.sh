#!/usr/bin/env bash
# --force-package P rebuilds P even when cached, and nothing else that did not change: a forced
# rebuild to identical bytes leaves its dependents cached. An unknown name gets the nearest match.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package base 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && echo base >"$OSBUILD_DESTDIR/usr/share/base"'
script_package top 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && cp "$OSBUILD_SYSROOT/usr/share/base" "$OSBUILD_DESTDIR/usr/share/top"' 'depends = ["base"]'
run build package top
expect_status 0
expect_eq "$(built_list)" "base top" "first build"
run build package top --force-package base --explain
expect_status 0
expect_eq "$(built_list)" "base" "forced build"
expect_contains "explain: base: forced (--force-package)"
run build package top --force-package bsae
expect_status 1
expect_contains "base"
finish
