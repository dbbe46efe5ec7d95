#!/usr/bin/env bash
# Metadata that would already have expired is never published: a past RFC 3339 time in the
# expiration policy, a release start so far back that start + policy is past, or a new root that
# has expired is refused before anything is written, naming the policy file, the role, the expiry
# and the fix; the repository stays valid for clients.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
nothing_written() {
  [ -e "$REPO_OUT" ] && fail "$1: $REPO_OUT was written"
  [ -e roles/default.root.json ] && fail "$1: a root was generated"
}

cp repo-expirations.toml "$TEST_TMP/policy.toml"
sed -i "s/^targets_expiration = .*/targets_expiration = '2020-01-01T00:00:00Z'/" repo-expirations.toml
run repo dev --arch $ARCH
expect_status 1
expect_contains "osbuild: error: repo-expirations.toml:3:1: targets_expiration '2020-01-01T00:00:00Z' makes the targets role expire on 2020-01-01T00:00:00Z, already past: every client would refuse the repository"
expect_contains "hint: set targets_expiration in repo-expirations.toml to a duration after the release start such as '2 weeks', or to a later time"
nothing_written "past expiry in the policy"

# A fixed expiry in the future but before the release start is refused too.
later=$(date -u -d '+30 days' +%Y-%m-%dT00:00:00Z)
sooner=$(date -u -d '+20 days' +%Y-%m-%dT00:00:00Z)
sed -i "s/^targets_expiration = .*/targets_expiration = '$sooner'/" repo-expirations.toml
run repo dev --arch $ARCH --release-start-time "$later"
expect_status 1
expect_contains "targets_expiration '$sooner' makes the targets role expire on $sooner, not after the release start $later"
nothing_written "expiry before the release start"
cp "$TEST_TMP/policy.toml" repo-expirations.toml

for how in flag env; do
  if [ $how = flag ]; then
    run repo dev --arch $ARCH --release-start-time 2020-01-01T00:00:00Z
    source_name=--release-start-time
  else
    RELEASE_START_TIME=2020-01-01T00:00:00Z run repo dev --arch $ARCH
    source_name=RELEASE_START_TIME
  fi
  expect_status 1
  expect_contains "osbuild: error: the targets role would expire on 2020-01-15T00:00:00Z, already past: the release start 2020-01-01T00:00:00Z (from $source_name) plus targets_expiration '2 weeks' (repo-expirations.toml); every client would refuse the repository"
  expect_contains "hint: give a later release start (fix $source_name, or unset it to start now), or lengthen targets_expiration in repo-expirations.toml"
  nothing_written "release start in the past ($how)"
done

# The built-in policy (no repo-expirations.toml) is named as such; timestamp (1 week) goes first
# when a start 10 days back leaves targets and snapshot (2 weeks) alive.
rm repo-expirations.toml
start=$(date -u -d '-10 days' +%Y-%m-%dT%H:%M:%SZ)
RELEASE_START_TIME=$start run repo dev --arch $ARCH
expect_status 1
expect_contains "the timestamp role would expire on"
expect_contains "plus timestamp_expiration '1 week' (the built-in expiration policy)"
nothing_written "built-in policy"
cp "$TEST_TMP/policy.toml" repo-expirations.toml

# On a published repository, a refresh that would expire it is refused and changes nothing.
run repo dev --arch $ARCH
expect_status 0
before=$(ls "$META"; sha256sum "$META/timestamp.json")
RELEASE_START_TIME=2020-01-01T00:00:00Z run repo refresh dev --arch $ARCH
expect_status 1
expect_contains "the targets role would expire on 2020-01-15T00:00:00Z, already past"
expect_eq "$(ls "$META"; sha256sum "$META/timestamp.json")" "$before" "a refused refresh wrote"

# A new root that has expired is refused before it is written.
"$OSBUILD" root init new-root.json --from roles/default.root.json >/dev/null || fail "root init"
"$OSBUILD" root expire new-root.json 2021-01-01T00:00:00Z >/dev/null || fail "root expire"
"$OSBUILD" root sign new-root.json -k keys/dev-root.pem >/dev/null || fail "root sign"
run repo refresh dev --arch $ARCH --root new-root.json
expect_status 3
expect_contains "new-root.json (root version 2) expired on 2021-01-01T00:00:00Z: every client would refuse the repository"
expect_contains "osbuild root expire new-root.json"
expect_eq "$(ls "$META"; sha256sum "$META/timestamp.json")" "$before" "an expired root was published"
run repo validate dev --arch $ARCH
expect_status 0
finish
