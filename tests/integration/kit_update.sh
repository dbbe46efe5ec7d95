#!/usr/bin/env bash
# `update` resolves a [[kit]] requirement to the highest matching v<semver> tag in the registry
# and writes osbuild.lock with the index digest; a requirement nothing meets lists the tags.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry
kit_project "$TEST_TMP/producer" "$REGISTRY"
cd "$PROJECT" || exit 1
for v in 1.0.0 1.1.0 2.0.0; do
  set_release_version "$v"
  run publish kit greet-kit
  expect_status 0
  expect_contains "greet-kit:v$v"
done

consumer=$TEST_TMP/consumer
consumer_project "$consumer" "$REGISTRY"
cd "$consumer" || exit 1
run update
expect_status 0
expect_contains "greet-kit 1.1.0"
index_digest="sha256:$(curl -fsS -m 10 -H 'Accept: application/vnd.oci.image.index.v1+json' \
  "$REGISTRY_URL/v2/osbuild/greet-kit/manifests/v1.1.0" | sha256sum | cut -d' ' -f1)"
expected="# Written by \`osbuild update\`: the exact kits this project builds with. Do not edit.
schema-version = 1

[[kit]]
name = \"greet-kit\"
version = \"1.1.0\"
vendor = \"local\"
source = \"$REGISTRY/osbuild/greet-kit:v1.1.0\"
digest = \"$index_digest\""
expect_eq "$(cat osbuild.lock)" "$expected" "osbuild.lock"
ls -a | grep -q '\.tmp\.' && fail "a temporary file was left beside osbuild.lock"

run update
expect_status 0
expect_contains "unchanged osbuild.lock"

# ~2.0 picks 2.0.0; =1.0.0 picks 1.0.0.
sed -i 's/^version = "\^1.0"/version = "~2.0"/' osbuild.toml
run update
expect_status 0
grep -q '^version = "2.0.0"' osbuild.lock || fail "~2.0 did not pick 2.0.0: $(cat osbuild.lock)"
sed -i 's/^version = "~2.0"/version = "=1.0.0"/' osbuild.toml
run update
expect_status 0
grep -q '^version = "1.0.0"' osbuild.lock || fail "=1.0.0 did not pick 1.0.0: $(cat osbuild.lock)"

# Nothing matches: the error names the requirement, the place and the available tags; the lock stays.
cp osbuild.lock "$TEST_TMP/lock.before"
sed -i 's/^version = "=1.0.0"/version = "^3"/' osbuild.toml
run update
expect_status 1
expect_contains "osbuild.toml"
expect_contains "no version of kit greet-kit in $REGISTRY/osbuild/greet-kit matches \"^3\""
expect_contains "available: v1.0.0, v1.1.0, v2.0.0"
cmp -s osbuild.lock "$TEST_TMP/lock.before" || fail "a failed update changed osbuild.lock"

# An index tampered with on the registry's disk is refused with both digests named.
sed -i 's/^version = "\^3"/version = "^2"/' osbuild.toml
v2=$(curl -fsS -m 10 -H 'Accept: application/vnd.oci.image.index.v1+json' "$REGISTRY_URL/v2/osbuild/greet-kit/manifests/v2.0.0" | sha256sum | cut -d' ' -f1)
data=$TEST_TMP/registry/data/docker/registry/v2/blobs/sha256/${v2:0:2}/$v2/data
[ -f "$data" ] || fail "no blob file at $data"
sed -i 's/"org.osbuild.kit.version":"2.0.0"/"org.osbuild.kit.version":"9.0.0"/' "$data"
run update
expect_status 3
expect_contains "expected sha256:$v2"
expect_contains "greet-kit:v2.0.0"
cmp -s osbuild.lock "$TEST_TMP/lock.before" || fail "a refused index changed osbuild.lock"

# A kit never published.
sed -i 's/^name = "greet-kit"/name = "other-kit"/; s/^version = "\^2"/version = "^1"/' osbuild.toml
run update
expect_status 1
expect_contains "available: none"
expect_contains "osbuild publish kit other-kit"
finish
