#!/usr/bin/env bash
# The command line explains itself: --help lists every command, an unknown command gets the list
# and the nearest match, never a stack trace or "Task not found".
. "$(dirname "$0")/lib.bash"

run --help
expect_status 0
for c in plan config cache; do expect_contains "$c"; done

run plna dev
expect_status 2
expect_contains "osbuild: error: unknown command 'plna', did you mean 'plan'?"
expect_contains "commands:"

run frobnicate
expect_status 2
expect_contains "unknown command 'frobnicate'"
expect_not_contains "did you mean"

run
expect_status 2

# A command that needs a subcommand says so with a usage error, not a parser's internal code.
run cache
expect_status 2
expect_contains "osbuild: error:"
expect_contains "hint: run \`osbuild --help\`"

run --version
expect_status 0
expect_contains "osbuild "
finish
