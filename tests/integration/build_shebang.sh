#!/usr/bin/env bash
# A build script runs by its #! line, as it would from a shell: a bash script's `set -o pipefail`
# and arrays work, and one without a #! line still runs with sh.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v bash >/dev/null || skip "bash is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
arch=$(uname -m)
script_package bashy '#!/bin/bash
set -euo pipefail
parts=(hello from bash)
mkdir -p "$OSBUILD_DESTDIR/usr/share"
printf "%s\n" "${parts[*]}" | tr a-z A-Z >"$OSBUILD_DESTDIR/usr/share/bashy.txt"'
script_package plain 'mkdir -p "$OSBUILD_DESTDIR/usr/share"; echo plain >"$OSBUILD_DESTDIR/usr/share/plain.txt"'

run build package bashy
expect_status 0
expect_eq "$(cat "build/packages/$arch/bashy/usr/share/bashy.txt" 2>&1)" "HELLO FROM BASH" "the bash script's output"
run build package plain
expect_status 0
expect_eq "$(cat "build/packages/$arch/plain/usr/share/plain.txt" 2>&1)" "plain" "the script without #!"
finish
