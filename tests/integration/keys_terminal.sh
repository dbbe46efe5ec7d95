#!/usr/bin/env bash
# `osbuild keys generate` never writes a private key to a terminal: without --out on a terminal it
# refuses (exit 2) and prints no key; redirected, or with --out, it writes the key.
. "$(dirname "$0")/lib.bash"
command -v script >/dev/null || skip "script (util-linux) is missing"
out=$(script -qec "$OSBUILD keys generate" /dev/null 2>&1)
case "$out" in *"not printed to a terminal"*) ;; *) fail "no refusal on a terminal: $out" ;; esac
case "$out" in *"PRIVATE KEY"*) fail "a private key reached the terminal" ;; esac
script -qec "$OSBUILD keys generate; echo status=\$?" /dev/null | grep -q "status=2" ||
  fail "the refusal does not exit 2"
run keys generate
expect_status 0
expect_contains "BEGIN PRIVATE KEY"
run keys generate --out "$TEST_TMP/k.pem"
expect_status 0
[ "$(stat -c %a "$TEST_TMP/k.pem")" = 600 ] || fail "the key file is not mode 0600"
finish
