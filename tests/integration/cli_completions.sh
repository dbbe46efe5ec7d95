#!/usr/bin/env bash
# `osbuild completions bash|zsh|fish` is generated from the command definitions. The bash script
# loads, registers itself (`complete -p osbuild`) and completes commands, subcommands, options,
# option values and the project's variants, as bash would ask for them (COMP_WORDS/COMP_CWORD).
. "$(dirname "$0")/lib.bash"

"$OSBUILD" completions bash >"$TEST_TMP/osbuild.bash" || fail "completions bash failed"

# complete_words WORD...: what the completion offers for the last word, sorted, one line.
complete_words() {
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    _osbuild osbuild "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' \
    complete_words "$TEST_TMP/osbuild.bash" "$@"
}

registered=$(bash --norc --noprofile -c 'source "$1" && complete -p osbuild' x "$TEST_TMP/osbuild.bash")
expect_eq "$registered" "complete -F _osbuild osbuild" "complete -p osbuild"

expect_eq "$(complete_words osbuild bui)" "build" "a command"
expect_eq "$(complete_words osbuild re)" "release repo" "commands sharing a prefix"
expect_eq "$(complete_words osbuild build va)" "variant" "a subcommand"
words=" $(complete_words osbuild --arch aarch64 build '') "
[[ $words == *" package "* && $words == *" variant "* && $words != *aarch64* ]] ||
  fail "a global option's value is skipped: $words"
expect_eq "$(complete_words osbuild --color '')" "always auto never" "an option's choices"
expect_eq "$(complete_words osbuild completions '')" "bash fish zsh" "a positional's choices"
expect_eq "$(complete_words osbuild repo validate --no-t)" "--no-targets" "a subcommand's option"
words=" $(complete_words osbuild release --) "
[[ $words == *" --force "* && $words == *" --key "* ]] || fail "release options: $words"
case " $(complete_words osbuild image --) " in
  *" --json "*) ;;
  *) fail "global options are offered after a command: $(complete_words osbuild image --)" ;;
esac

# Variants, packages and kits come from the project's folders.
mkdir -p "$TEST_TMP/p/variants/dev" "$TEST_TMP/p/variants/metal" "$TEST_TMP/p/packages/zlib"
cd "$TEST_TMP/p" || exit 1
expect_eq "$(complete_words osbuild image '')" "boot-state dev metal update" "variants of the project (and image's subcommands)"
expect_eq "$(complete_words osbuild build package z)" "zlib" "packages of the project"
expect_eq "$(complete_words osbuild release m)" "metal" "release's variant"

# zsh and fish: each shell's own completion machinery, asked for the same cases. zsh runs
# interactively in a pseudo-terminal and completes a typed line on Tab (zsh_capture.zsh); fish
# answers `complete -C LINE`.
command -v zsh >/dev/null || fail "zsh is not installed (scripts/install-deps.sh installs it)"
command -v fish >/dev/null || fail "fish is not installed (scripts/install-deps.sh installs it)"
"$OSBUILD" completions zsh >"$TEST_TMP/osbuild.zsh" || fail "completions zsh failed"
"$OSBUILD" completions fish >"$TEST_TMP/osbuild.fish" || fail "completions fish failed"
zsh -n "$TEST_TMP/osbuild.zsh" || fail "zsh cannot parse its completion script"
fish -n "$TEST_TMP/osbuild.fish" || fail "fish cannot parse its completion script"
source "$OSBUILD_TESTS/integration/completions_lib.bash"
for shell in zsh fish; do
  words=${shell}_words
  expect_eq "$($words osbuild bui)" "build" "$shell: a command"
  expect_eq "$($words osbuild rel)" "release" "$shell: a command by prefix"
  expect_eq "$($words osbuild build va)" "variant" "$shell: a subcommand"
  expect_eq "$($words osbuild --arch aarch64 build '')" "kit package variant" \
    "$shell: a global option's value is skipped"
  expect_eq "$($words osbuild --color '')" "always auto never" "$shell: an option's choices"
  expect_eq "$($words osbuild completions '')" "bash fish zsh" "$shell: a positional's choices"
  expect_eq "$($words osbuild repo validate --no-t)" "--no-targets" "$shell: a subcommand's option"
  expect_eq "$($words osbuild image dev)" "dev" "$shell: a variant of the project"
  expect_eq "$($words osbuild image '')" "boot-state dev metal update" "$shell: the project's variants"
  expect_eq "$($words osbuild build package z)" "zlib" "$shell: the project's packages"
done

run completions tcsh
expect_status 2
expect_contains "tcsh"
finish
