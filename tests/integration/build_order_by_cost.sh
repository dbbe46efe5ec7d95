#!/usr/bin/env bash
# The longest chain starts first: packages are weighed by their last build's time, and on a first
# build (no times recorded) by the size of their sources. At -j1 the start order shows it.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
# alpha: a small source and a slow build; beta: a big source and a quick one.
script_package alpha 'sleep 1; mkdir -p "$OSBUILD_DESTDIR/usr/share"; echo a >"$OSBUILD_DESTDIR/usr/share/alpha"'
script_package beta 'mkdir -p "$OSBUILD_DESTDIR/usr/share"; echo b >"$OSBUILD_DESTDIR/usr/share/beta"'
script_package top 'mkdir -p "$OSBUILD_DESTDIR"' 'depends = ["alpha", "beta"]'
printf 'small\n' >"$TEST_TMP/alpha.txt"
head -c 300000 /dev/urandom >"$TEST_TMP/beta.bin"
add_archive alpha "$TEST_TMP/alpha.txt"
add_archive beta "$TEST_TMP/beta.bin"

# The packages in the order the build started them, from its --json events.
start_order() {
  python3 -c '
import json, sys
print(" ".join(e["package"] for e in map(json.loads, sys.stdin) if e["event"] == "started"))'
}

run --json build package top -j1
expect_status 0
order=$(printf '%s\n' "$out" | grep '^{' | start_order)
expect_eq "$order" "beta alpha top" "first build: no times yet, the bigger source first"
grep -q '"seconds"' build/.osbuild/state/*/alpha.json || fail "no build time in alpha's state record"

run --json build package top -j1 --force
expect_status 0
order=$(printf '%s\n' "$out" | grep '^{' | start_order)
expect_eq "$order" "alpha beta top" "second build: alpha took longer last time, so it starts first"
finish
