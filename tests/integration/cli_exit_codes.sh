#!/usr/bin/env bash
# Exit codes mean what docs/commands.md says: 0 success, 1 failure, 2 usage, 3 verification
# (digest, signature, lock), 130 interrupted.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package ok 'mkdir -p "$OSBUILD_DESTDIR"; echo ok >"$OSBUILD_DESTDIR/ok"'
script_package broken 'echo "compiling"; exit 1'

# 0: success.
run build package ok
expect_status 0
run --version
expect_status 0

# 1: failure (a build that fails).
run build package broken
expect_status 1
expect_contains "osbuild: error:"

# 2: usage, from the parser and from the commands alike.
for args in "--no-such-option" "build" "build package" "completions tcsh" "plna" \
  "--color sometimes config show" "--arch sparc config show" "-j zero config show" \
  "toolchains check-elf /nonexistent"; do
  # shellcheck disable=SC2086
  run $args
  [ "$status" = 2 ] || fail "osbuild $args: expected exit 2, got $status: $out"
  expect_contains "osbuild: error:"
done
expect_contains "hint:"

# 3: verification: a lookaside file whose bytes do not match its pinned sha512.
printf 'the real archive\n' >"$TEST_TMP/data.txt"
add_archive ok "$TEST_TMP/data.txt"
sha=$(sha512sum "$TEST_TMP/data.txt" | cut -d' ' -f1)
printf 'tampered\n' >"$PROJECT/lookaside/data.txt/$sha/data.txt"
run fetch
expect_status 3
expect_contains "sha512 mismatch"

# 130: interrupted. build_interrupt.sh covers `osbuild build`; here SIGTERM reaches `osbuild
# release` in its build stage: the summary names the interrupted stage, and the code is still 130.
script_package sleeper "echo started; sleep 293 & wait; mkdir -p \"\$OSBUILD_DESTDIR\""
mkdir -p variants/slow
printf '[variant]\nincluded-packages = ["sleeper"]\n' >variants/slow/variant.toml
"$OSBUILD" release slow >"$TEST_TMP/release.out" 2>&1 &
pid=$!
for _ in $(seq 150); do
  grep -qs started "$PROJECT/build/logs/$(uname -m)/sleeper.log" && break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" 130 "exit status of a release stopped by SIGTERM"
grep -Eq "^  build +[0-9.]+s  failed: .*interrupted" "$TEST_TMP/release.out" ||
  fail "the release summary does not show the interrupted build: $(cat "$TEST_TMP/release.out")"
# The sandbox's pid namespace ends its processes as it is torn down, which may finish a moment
# after osbuild exits: give it up to 5 s.
for _ in $(seq 50); do pgrep -f "sleep 293" >/dev/null || break; sleep 0.1; done
pgrep -f "sleep 293" >/dev/null && fail "a build process survived SIGTERM"
finish
