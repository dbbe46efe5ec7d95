#!/usr/bin/env bash
# A registry that does not answer: publish and update fail at once with an error naming the
# vendor, the registry and the fix.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
port=$(oci_free_port)
kit_project "$TEST_TMP/producer" "127.0.0.1:$port"
cd "$PROJECT" || exit 1
run publish kit greet-kit
expect_status 1
expect_contains "vendor \"local\""
expect_contains "cannot reach the registry at http://127.0.0.1:$port"
expect_contains "start the registry at 127.0.0.1:$port"
expect_not_contains "built greet"

consumer_project "$TEST_TMP/consumer" "127.0.0.1:$port"
cd "$TEST_TMP/consumer" || exit 1
run update
expect_status 1
expect_contains "kit greet-kit"
expect_contains "cannot reach the registry at http://127.0.0.1:$port"
expect_contains "start the registry at 127.0.0.1:$port"
[ -e osbuild.lock ] && fail "a failed update wrote osbuild.lock"

# An unknown kit and an unknown vendor name the place and suggest.
cd "$PROJECT" || exit 1
run publish kit greet-kt
expect_status 1
expect_contains "greet-kit"
run publish kit greet-kit --vendor lokal
expect_status 1
expect_contains "vendor \"lokal\" is not declared"
expect_contains "local"
finish
