#!/usr/bin/env bash
# osbuild.override.toml redirects a vendor's registry and a kit's name for local testing; every
# command that uses it says so once, on one line of stderr.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry
dead=127.0.0.1:$(oci_free_port)
# The producer's vendor points at a registry that is not there; the override points at ours,
# and publishes greet-kit as greet-kit-dev.
kit_project "$TEST_TMP/producer" "$dead"
cd "$PROJECT" || exit 1
cat >osbuild.override.toml <<TOML
[vendor.local]
registry = "$REGISTRY/test"

[kit.greet-kit]
name = "greet-kit-dev"
TOML
run publish kit greet-kit
expect_status 0
expect_contains "$REGISTRY/test/greet-kit-dev:v1.0.0"
expect_eq "$(printf '%s\n' "$out" | grep -c '^osbuild: using osbuild.override.toml')" "1" "notices"
expect_contains "osbuild: using osbuild.override.toml: vendor local → $REGISTRY/test, kit greet-kit → greet-kit-dev"
registry_get "test/greet-kit-dev/tags/list" | grep -q v1.0.0 || fail "nothing under test/greet-kit-dev"

# Without the override the vendor's registry is used, and nothing is said.
mv osbuild.override.toml "$TEST_TMP/override.toml"
run publish kit greet-kit
expect_status 1
expect_contains "cannot reach the registry at http://$dead"
expect_not_contains "osbuild.override.toml"

# A consumer redirects the same way: update and fetch each say so once.
consumer_project "$TEST_TMP/consumer" "$dead"
cd "$TEST_TMP/consumer" || exit 1
cp "$TEST_TMP/override.toml" osbuild.override.toml
for cmd in update fetch; do
  run "$cmd"
  expect_status 0
  expect_eq "$(printf '%s\n' "$out" | grep -c '^osbuild: using osbuild.override.toml')" "1" "notices of $cmd"
done
grep -q "source = \"$REGISTRY/test/greet-kit-dev:v1.0.0\"" osbuild.lock || fail "lock source: $(cat osbuild.lock)"
# A fetch with nothing to do touches no registry and says nothing of the override.
run fetch
expect_status 0
expect_contains "up to date"
expect_not_contains "osbuild.override.toml"

# A mistake in the file names it.
printf '[kit.greet-kit]\nregistry = "http://%s/x"\n' "$REGISTRY" >osbuild.override.toml
rm osbuild.lock
run update
expect_status 1
expect_contains "osbuild.override.toml:2:"
expect_contains "must not start with a URL scheme"
finish
