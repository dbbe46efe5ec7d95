#!/usr/bin/env bash
# A mistyped word gets the nearest name at every level, not only the top one: an option of the
# command it follows (or of the commands above), a subcommand of the command it was given to.
# `osbuild help [command...]` prints a command's help; a bare `osbuild` prints the top-level help.
. "$(dirname "$0")/lib.bash"

run --colour never config show
expect_status 2
expect_contains "osbuild: error: unknown option --colour for osbuild"
expect_contains "  hint: did you mean --color?"
expect_not_contains "unknown command 'never'"

run build varient dev
expect_status 2
expect_contains "osbuild: error: unknown command 'varient' for osbuild build, did you mean 'variant'?"
expect_contains "commands:"
expect_contains "  package "

run build variant dev --explian
expect_status 2
expect_contains "osbuild: error: unknown option --explian for osbuild build variant"
expect_contains "  hint: did you mean --explain?"

# An option of a command above, misspelt after the subcommand: the global one is suggested.
run repo validate dev --jsn
expect_status 2
expect_contains "unknown option --jsn for osbuild repo validate"
expect_contains "hint: did you mean --json?"

# Nothing close: no guess, the way to the command's options instead.
run build variant dev --frobnicate
expect_status 2
expect_contains "unknown option --frobnicate for osbuild build variant"
expect_not_contains "did you mean"
expect_contains "hint: run \`osbuild build variant --help\`"

# Known words are left alone: global options after the command, values that look like commands.
run docs man --color never --log-level warn
expect_status 0
run -j 2 completions bash
expect_status 0

# osbuild help [command...]
run help build variant
expect_status 0
expect_contains "osbuild build variant"
expect_contains "--explain"
run help
expect_status 0
for c in build plan repo help; do expect_contains "$c"; done
run help biuld
expect_status 2
expect_contains "osbuild: error: no command 'biuld' in osbuild, did you mean 'build'?"
run help build varient
expect_status 2
expect_contains "did you mean 'variant'?"

# A bare `osbuild`: the top-level help on stderr, exit 2 like any other usage error.
"$OSBUILD" >"$TEST_TMP/bare.out" 2>"$TEST_TMP/bare.err"
expect_eq "$?" 2 "exit status of a bare osbuild"
grep -q "Subcommands:" "$TEST_TMP/bare.err" || fail "no help on stderr: $(cat "$TEST_TMP/bare.err")"
grep -q "release" "$TEST_TMP/bare.err" || fail "the help lists no commands"
[ -s "$TEST_TMP/bare.out" ] && fail "a bare osbuild wrote to stdout: $(cat "$TEST_TMP/bare.out")"
finish
