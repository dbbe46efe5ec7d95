#!/usr/bin/env bash
# `osbuild config show`: every setting with its value and origin; flag > environment > file >
# built-in default; Bottlerocket's variable names work.
. "$(dirname "$0")/lib.bash"
copy_example hello-os
cd "$TEST_TMP/hello-os"
unset OSBUILD_CACHE_DIR

run config show
expect_status 0
expect_contains "# project: $TEST_TMP/hello-os"
line=$(printf '%s\n' "$out" | grep '^cache.max-size')
expect_contains "cache.max-size"
case "$line" in *"(file osbuild.toml)"*) ;; *) fail "cache.max-size should come from osbuild.toml: $line" ;; esac

out=$(BUILDSYS_ARCH=arm64 "$OSBUILD" config show 2>&1)
line=$(printf '%s\n' "$out" | grep '^arch ')
case "$line" in *"aarch64"*"(environment BUILDSYS_ARCH)"*) ;; *) fail "arch from BUILDSYS_ARCH: $line" ;; esac

out=$(BUILDSYS_ARCH=arm64 "$OSBUILD" config show --arch x86_64 2>&1)
line=$(printf '%s\n' "$out" | grep '^arch ')
case "$line" in *"x86_64"*"(flag --arch)"*) ;; *) fail "the flag beats the environment: $line" ;; esac

out=$(BUILDSYS_JOBS=lots "$OSBUILD" config show 2>&1); status=$?
expect_status 2
expect_contains "osbuild: error: jobs from BUILDSYS_JOBS: expected a whole number of at least 1, got 'lots'"

run config show --json
expect_status 0
origin=$(printf '%s' "$out" | python3 -c 'import json,sys; print([s for s in json.load(sys.stdin)["settings"] if s["key"] == "publish.repo"][0]["origin"])')
expect_eq "$origin" "default"

# Outside any project it still answers, from flags, environment and defaults.
cd "$TEST_TMP"
run config show
expect_status 0
expect_contains "(none: not inside a project)"
finish
