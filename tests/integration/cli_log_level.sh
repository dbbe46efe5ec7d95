#!/usr/bin/env bash
# The log level is a setting like any other: --log-level beats OSBUILD_LOG_LEVEL, which beats the
# built-in default (warn); a value that is not a level is refused, naming where it came from.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package ok 'mkdir -p "$OSBUILD_DESTDIR"; echo ok >"$OSBUILD_DESTDIR/ok"'

# The default: no debug lines.
run build package ok --force
expect_status 0
expect_not_contains " debug: "

# From the environment, as docs/configuration.md says.
out=$(OSBUILD_LOG_LEVEL=debug "$OSBUILD" build package ok --force 2>&1); status=$?
expect_status 0
expect_contains " debug: sandbox sealed: starts"

# The flag beats the environment.
out=$(OSBUILD_LOG_LEVEL=debug "$OSBUILD" build package ok --force --log-level warn 2>&1); status=$?
expect_status 0
expect_not_contains " debug: "

# `config show` names where the level came from.
out=$(OSBUILD_LOG_LEVEL=info "$OSBUILD" config show 2>&1); status=$?
expect_status 0
line=$(printf '%s\n' "$out" | grep '^log-level ')
case "$line" in *"info"*"(environment OSBUILD_LOG_LEVEL)"*) ;; *) fail "log-level from OSBUILD_LOG_LEVEL: $line" ;; esac

# A value that is not a level: refused, naming the variable, before any work is done.
out=$(OSBUILD_LOG_LEVEL=loud "$OSBUILD" build package ok 2>&1); status=$?
expect_status 2
expect_contains "osbuild: error: log-level from OSBUILD_LOG_LEVEL: expected trace, debug, info, warn, error or off, got 'loud'"
expect_contains "hint: fix or unset OSBUILD_LOG_LEVEL"
run build package ok --log-level loud
expect_status 2
expect_contains "osbuild: error: log-level from --log-level: expected trace, debug, info, warn, error or off, got 'loud'"
finish
