#!/usr/bin/env bash
# A missing compiler is named with the Debian package that provides it: the host compiler before
# anything runs, and a compiler a build script asks for in the failure report.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package hello-go 'set -e
printf "package main\nfunc main() {}\n" >main.go
gccgo -o hello main.go'
command -v gccgo >/dev/null && skip "gccgo is installed here: nothing would be missing"

run build package hello-go
expect_status 1
expect_contains "missing: gccgo (asked for by package hello-go): install it on the host (apt-get install gccgo)"

# No gcc on PATH: the build refuses before starting anything, naming the compiler and the fix.
mkdir -p "$TEST_TMP/bin"
for tool in sh bash bwrap unshare patch tar; do
  p=$(command -v "$tool") && ln -s "$p" "$TEST_TMP/bin/$tool"
done
out=$(PATH="$TEST_TMP/bin" "$OSBUILD" build package hello-go 2>&1)
status=$?
expect_status 1
expect_contains "gcc"
expect_contains "apt-get install"
expect_not_contains "building hello-go"
finish
