#!/usr/bin/env bash
# Completions offer values, not file names: architectures for --arch, the choices of a choice
# setting (--log-level, --sandbox), and the variants of the project in the current folder or the
# one -C names, for every command that takes a variant. A command's options are offered after
# its subcommands too (`build variant dev --explain`). In bash, zsh and fish alike.
. "$(dirname "$0")/lib.bash"

for shell in bash zsh fish; do
  "$OSBUILD" completions $shell >"$TEST_TMP/osbuild.$shell" || fail "completions $shell failed"
done
command -v zsh >/dev/null || fail "zsh is not installed (scripts/install-deps.sh installs it)"
command -v fish >/dev/null || fail "fish is not installed (scripts/install-deps.sh installs it)"

bash_words() {
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=($1); [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
    _osbuild osbuild "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' \
    bash_words "$TEST_TMP/osbuild.bash" "$*"
}
source "$OSBUILD_TESTS/integration/completions_lib.bash"

mkdir -p "$TEST_TMP/p/variants/dev" "$TEST_TMP/p/variants/metal" "$TEST_TMP/elsewhere"
cd "$TEST_TMP/elsewhere" || exit 1  # no project here: variants come from -C
for shell in bash zsh fish; do
  words=${shell}_words
  expect_eq "$($words osbuild --arch '')" "aarch64 x86_64" "$shell: --arch"
  expect_eq "$($words osbuild build variant --arch a)" "aarch64" "$shell: a command's --arch"
  expect_eq "$($words osbuild --log-level w)" "warn" "$shell: --log-level"
  # --sandbox and --explain are options of `build`, given after `build variant`.
  expect_eq "$($words osbuild build variant --sandbox '')" "sealed unshare" "$shell: --sandbox"
  expect_eq "$($words osbuild build variant dev --expl)" "--explain" "$shell: a parent's option"
  expect_eq "$($words osbuild -C "$TEST_TMP/p" build variant '')" "dev metal" "$shell: -C, build variant"
  for cmd in plan qemu release repo; do
    expect_eq "$($words osbuild -C "$TEST_TMP/p" $cmd m)" "metal" "$shell: -C, $cmd"
  done
  expect_eq "$($words osbuild --project-path "$TEST_TMP/p" repo validate d)" "dev" \
    "$shell: --project-path, repo validate"
done
cd "$TEST_TMP/p" || exit 1
for shell in bash zsh fish; do
  expect_eq "$(${shell}_words osbuild plan '')" "dev metal" "$shell: plan, the project in the current folder"
done
finish
