#!/usr/bin/env bash
# A second osbuild on the same project waits for the first and says for whom.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package slow "sleep 3; mkdir -p \"\$OSBUILD_DESTDIR\" && echo slow >\"\$OSBUILD_DESTDIR/slow\""
"$OSBUILD" build package slow >"$TEST_TMP/first.out" 2>&1 &
first=$!
for _ in $(seq 50); do grep -q "building slow" "$TEST_TMP/first.out" && break; sleep 0.1; done
run build package slow
expect_status 0
expect_contains "osbuild: waiting for pid $first"
expect_contains "nothing to do: 1 packages up to date"
wait "$first" || fail "the first build failed: $(cat "$TEST_TMP/first.out")"
finish
