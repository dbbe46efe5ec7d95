#!/usr/bin/env bash
# Ctrl-C during `osbuild build` says "interrupted" once and nothing else: the packages the
# interrupt killed get no failure report (no "status 143", no log tail), and the exit is 130.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
for p in one two; do
  script_package $p "echo started; sleep 291 & wait; mkdir -p \"\$OSBUILD_DESTDIR\""
done
mkdir -p variants/slow
printf '[variant]\nincluded-packages = ["one", "two"]\n' >variants/slow/variant.toml
"$OSBUILD" -j 2 build variant slow >"$TEST_TMP/out" 2>&1 &
pid=$!
logs=$PROJECT/build/logs/$(uname -m)
for _ in $(seq 150); do
  grep -qs started "$logs/one.log" && grep -qs started "$logs/two.log" && break
  sleep 0.1
done
grep -qs started "$logs/one.log" && grep -qs started "$logs/two.log" ||
  fail "the builds did not start: $(cat "$TEST_TMP/out")"
kill -INT "$pid"
wait "$pid"
expect_eq "$?" 130 "exit status after SIGINT"
out=$(cat "$TEST_TMP/out")
expect_eq "$(grep -c interrupted <<<"$out")" 1 "lines saying interrupted: $out"
expect_contains "osbuild: error: build interrupted"
expect_not_contains "status 143"
expect_not_contains "failed"
expect_not_contains "  | "
# The sandbox's pid namespace ends its processes as it is torn down, which may finish a moment
# after osbuild exits: give it up to 5 s.
for _ in $(seq 50); do pgrep -f "sleep 291" >/dev/null || break; sleep 0.1; done
pgrep -f "sleep 291" >/dev/null && fail "a build process survived: $(pgrep -af 'sleep 291')"
finish
