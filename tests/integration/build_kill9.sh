#!/usr/bin/env bash
# `kill -9` of osbuild mid-build leaves a sound store and a free lock: `cache verify` finds nothing
# to remove, no process of the build survives, and a rerun builds what was interrupted, reusing
# what finished.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package first 'mkdir -p "$OSBUILD_DESTDIR" && echo first >"$OSBUILD_DESTDIR/first"'
script_package second "[ -e '$PROJECT/packages/second/slow' ] && echo started && sleep 4.0417
mkdir -p \"\$OSBUILD_DESTDIR\" && echo second >\"\$OSBUILD_DESTDIR/second\"" 'depends = ["first"]'
touch "$PROJECT/packages/second/slow"  # in the package folder: a sealed build sees nothing else of the test
"$OSBUILD" build package second -j1 >"$TEST_TMP/out" 2>&1 &
pid=$!
log=$PROJECT/build/logs/$(uname -m)/second.log
for _ in $(seq 100); do grep -q started "$log" 2>/dev/null && break; sleep 0.1; done
grep -q started "$log" || fail "the build did not start: $(cat "$TEST_TMP/out")"
kill -9 "$pid"
wait "$pid" 2>/dev/null
# Nothing of the build outlives osbuild: its oddly timed sleep is gone within two seconds.
for _ in $(seq 20); do pgrep -f "sleep 4.0417" >/dev/null || break; sleep 0.1; done
pgrep -f "sleep 4.0417" >/dev/null && fail "a process of the build outlived kill -9 of osbuild"
run cache verify
expect_status 0
expect_not_contains "removed"
rm -f "$PROJECT/packages/second/slow"
run build package second
expect_status 0
expect_eq "$(built_list)" "second" "rerun after kill -9"
finish
