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
expect_eq "$(complete_words osbuild image '')" "dev metal" "variants of the project"
expect_eq "$(complete_words osbuild build package z)" "zlib" "packages of the project"
expect_eq "$(complete_words osbuild release m)" "metal" "release's variant"

# zsh and fish scripts are generated; when the shell is installed, it parses them.
for shell in zsh fish; do
  "$OSBUILD" completions "$shell" >"$TEST_TMP/osbuild.$shell" || fail "completions $shell failed"
  grep -q "release" "$TEST_TMP/osbuild.$shell" || fail "$shell script lacks the release command"
  if command -v "$shell" >/dev/null; then
    "$shell" -n "$TEST_TMP/osbuild.$shell" || fail "$shell cannot parse its completion script"
  fi
done

run completions tcsh
expect_status 2
expect_contains "tcsh"
finish
