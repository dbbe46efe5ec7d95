#!/usr/bin/env bash
# A setting's flag is checked as it is parsed, so a bad value is refused by every command that
# takes the flag, even one that never reads the setting; the error has its hint, like every other.
. "$(dirname "$0")/lib.bash"

# `docs man` resolves no setting: only the parser sees --arch.
run docs man --arch sparc
expect_status 2
expect_contains "osbuild: error: arch from --arch: unknown architecture 'sparc'"
expect_contains "  hint: fix or unset --arch"
expect_not_contains ".TH"

run -j 0 completions bash
expect_status 2
expect_contains "osbuild: error: jobs from --jobs: expected a whole number of at least 1, got '0'"
expect_contains "  hint: fix or unset --jobs"

# A subcommand's own flag, from the same table.
run toolchains check-elf --arch mips "$TEST_TMP"
expect_status 2
expect_contains "arch from --arch: unknown architecture 'mips'"
expect_contains "  hint: "

# Aliases are still accepted.
run docs man --arch arm64
expect_status 0
finish
