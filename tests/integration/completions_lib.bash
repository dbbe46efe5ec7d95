# Shared by tests/integration/cli_completions*.sh (sourced; not a test itself): what each shell's
# own completion machinery offers for a typed line, with the scripts `osbuild completions` wrote
# to $TEST_TMP/osbuild.zsh and $TEST_TMP/osbuild.fish. Sorted, one line.

# zsh runs interactively in a pseudo-terminal and completes the line on Tab (zsh_capture.zsh).
zsh_words() {
  timeout 30 zsh -f "$OSBUILD_TESTS/integration/zsh_capture.zsh" "$TEST_TMP/osbuild.zsh" "$*" |
    sort -u | tr '\n' ' ' | sed 's/ $//'
}
# fish answers `complete -C LINE`.
fish_words() {
  timeout 30 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$TEST_TMP/osbuild.fish" "$*" |
    cut -f1 | sort -u | tr '\n' ' ' | sed 's/ $//'
}
