#!/usr/bin/env bash
# A dependency that rebuilds to identical bytes stops the ripple: its dependents stay cached. A
# dependency whose output changes rebuilds them, and --explain names it.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package base 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && echo base >"$OSBUILD_DESTDIR/usr/share/base"'
script_package top 'cat "$OSBUILD_SYSROOT/usr/share/base" >/dev/null && mkdir -p "$OSBUILD_DESTDIR/etc" && echo top >"$OSBUILD_DESTDIR/etc/top"' 'depends = ["base"]'
run build package top
expect_status 0
expect_eq "$(built_list)" "base top" "first build"

printf '# a comment: same output\n' >>"$PROJECT/packages/base/build.sh"
run build package top --explain
expect_status 0
expect_eq "$(built_list)" "base" "a dependency rebuilt to identical bytes"
expect_contains "explain: base: package-files changed"

printf 'echo more >>"$OSBUILD_DESTDIR/usr/share/base"\n' >>"$PROJECT/packages/base/build.sh"
run build package top --explain
expect_status 0
expect_eq "$(built_list)" "base top" "a dependency whose output changed"
expect_contains "explain: top: output of base changed"

run build package top --force
expect_eq "$(built_list)" "base top" "--force"
finish
