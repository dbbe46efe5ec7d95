#!/usr/bin/env bash
# A repository name is one folder name under build/repos/: `--repo` or PUBLISH_REPO with `../`,
# `/` or other path tricks is refused, naming where it came from, before a key, a root or a
# repository is written anywhere.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
rm Infra.toml  # no [repo.<name>] tables: any plain name is a new development repository
mkdir -p "$TEST_TMP/outside"
nothing_written() {
  [ -e build/repos ] && fail "$1: build/repos was written: $(find build/repos)"
  [ -n "$(ls -A "$TEST_TMP/outside")" ] && fail "$1: written outside: $(ls -A "$TEST_TMP/outside")"
  [ -e roles ] && fail "$1: a root was generated: $(find roles)"
  [ -e keys ] && fail "$1: a key was generated: $(find keys)"
  [ -e "$PROJECT/../escape.pem" ] && fail "$1: a key was written beside the project"
}

for name in ../escape ../../outside/x "$TEST_TMP/outside/abs" a/b .. . 'dev repo'; do
  run repo dev --arch $ARCH --repo "$name"
  expect_status 2
  expect_contains "osbuild: error: repository name '$name' (from --repo) is not a plain folder name"
  expect_contains "fix --repo"
  nothing_written "--repo '$name'"
done

PUBLISH_REPO=../escape run repo dev --arch $ARCH
expect_status 2
expect_contains "repository name '../escape' (from PUBLISH_REPO) is not a plain folder name: only letters, digits, '_' and '-' are allowed, found '.'"
expect_contains "hint: a repository is written to build/repos/<name>/, so its name is one folder name such as 'escape'; fix PUBLISH_REPO"
nothing_written "PUBLISH_REPO=../escape"

for cmd in validate check-expirations refresh; do
  run repo $cmd dev --arch $ARCH --repo ../escape
  expect_status 2
  expect_contains "repository name '../escape' (from --repo) is not a plain folder name"
done
nothing_written "maintenance commands"

run repo dev --arch $ARCH --repo my_repo-2
expect_status 0
[ -f build/repos/my_repo-2/metadata/dev/$ARCH/timestamp.json ] || fail "a plain name is not published"
finish
