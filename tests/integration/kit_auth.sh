#!/usr/bin/env bash
# A registry that asks for a user and password (htpasswd, answered with a Basic challenge):
# credentials from OSBUILD_REGISTRY_AUTH or ~/.docker/config.json work, none or wrong ones fail
# with the fix named.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry "alice:s3cr:et"
kit_project "$TEST_TMP/producer" "$REGISTRY"
cd "$PROJECT" || exit 1
unset OSBUILD_REGISTRY_AUTH DOCKER_CONFIG

run publish kit greet-kit
expect_status 1
expect_contains "asks for a user and password"
expect_contains "OSBUILD_REGISTRY_AUTH=user:password"

OSBUILD_REGISTRY_AUTH="alice:wrong" run publish kit greet-kit
expect_status 1
expect_contains "HTTP 401"
expect_contains "OSBUILD_REGISTRY_AUTH=user:password"

OSBUILD_REGISTRY_AUTH="alice:s3cr:et" run publish kit greet-kit
expect_status 0
expect_contains "3 blob(s) pushed, 0 skipped"
REGISTRY_CURL_AUTH="alice:s3cr:et" registry_get osbuild/greet-kit/tags/list >"$TEST_TMP/tags.json" || fail "GET tags"
expect_eq "$(json_get 'd["tags"]' <"$TEST_TMP/tags.json")" "['v1.0.0']" "tags"

# ~/.docker/config.json as `docker login` writes it.
mkdir -p "$HOME/.docker"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$REGISTRY" "$(printf 'alice:s3cr:et' | base64)" >"$HOME/.docker/config.json"
run publish kit greet-kit
expect_status 0
expect_contains "0 blob(s) pushed, 3 skipped"
finish
