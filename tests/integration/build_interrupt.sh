#!/usr/bin/env bash
# SIGINT mid-build kills the build's whole process group and exits 130; a rerun builds it.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package sleeper "if [ -e '$PROJECT/packages/sleeper/slow' ]; then echo started; sleep 297 & wait; fi
mkdir -p \"\$OSBUILD_DESTDIR\" && echo done >\"\$OSBUILD_DESTDIR/done\""
touch "$PROJECT/packages/sleeper/slow"  # in the package folder: a sealed build sees nothing else of the test
"$OSBUILD" build package sleeper >"$TEST_TMP/out" 2>&1 &
pid=$!
log=$PROJECT/build/logs/$(uname -m)/sleeper.log
for _ in $(seq 100); do grep -q started "$log" 2>/dev/null && break; sleep 0.1; done
grep -q started "$log" || fail "the build did not start: $(cat "$TEST_TMP/out")"
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
expect_eq "$?" 130 "exit status after SIGINT"
grep -q "build interrupted" "$TEST_TMP/out" || fail "no interruption message: $(cat "$TEST_TMP/out")"
sleep 0.3
# The sandbox's pid namespace ends its processes as it is torn down, which may finish a moment
# after osbuild exits: give it up to 5 s.
for _ in $(seq 50); do pgrep -f "sleep 297" >/dev/null || break; sleep 0.1; done
if pgrep -f "sleep 297" >/dev/null; then fail "a build process survived: $(pgrep -af 'sleep 297')"; fi
rm -f "$PROJECT/packages/sleeper/slow"
run build package sleeper
expect_status 0
expect_eq "$(built_list)" "sleeper" "rerun after an interrupt"
finish
