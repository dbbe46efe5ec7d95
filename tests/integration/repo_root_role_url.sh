#!/usr/bin/env bash
# Infra.toml's root_role_url + root_role_sha512: the trusted root is downloaded and checked
# against the digest before anything is verified with it; a wrong digest is refused.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
export OSBUILD_FETCH_RETRIES=0
repo_project
run repo dev --arch $ARCH
expect_status 0
mkdir -p "$TEST_TMP/www"
mv roles/default.root.json "$TEST_TMP/www/root.json"
serve "$TEST_TMP/www"
sha=$(sha512sum "$TEST_TMP/www/root.json" | cut -d' ' -f1)
cat >Infra.toml <<TOML
[repo.default]
root_role_url = "http://127.0.0.1:$PORT/root.json"
root_role_sha512 = "$sha"
signing_keys = { file = { path = "keys/dev-root.pem" } }
TOML
run repo validate dev --arch $ARCH
expect_status 0
set_version 1.5.0
fake_image 1.5.0
run repo dev --arch $ARCH
expect_status 0
[ -e roles/default.root.json ] && fail "a development root was generated although root_role_url is set"

other=$(printf '%0128d' 0)
sed -i "s/$sha/$other/" Infra.toml
run repo validate dev --arch $ARCH
expect_status 3
expect_contains "root role from http://127.0.0.1:$PORT/root.json has sha512 $sha, but Infra.toml's root_role_sha512 is $other"
sed -i "s|/root.json|/missing.json|" Infra.toml
run repo validate dev --arch $ARCH
expect_status 1
expect_contains "root_role_url http://127.0.0.1:$PORT/missing.json does not exist (404)"
finish
