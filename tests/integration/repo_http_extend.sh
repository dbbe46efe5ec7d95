#!/usr/bin/env bash
# Infra.toml's metadata_base_url + targets_url: a 404 there means a new repository; once the
# output is synced to the server, the next publish loads and verifies the repository over HTTP and
# extends it; `repo validate` checks it over HTTP; a server that is down is an error, not "new".
source "$OSBUILD_TESTS/tools/repo_lib.bash"
export OSBUILD_FETCH_RETRIES=0
repo_project
mkdir -p "$TEST_TMP/www"
serve "$TEST_TMP/www"
cat >Infra.toml <<TOML
[repo.default]
signing_keys = { file = { path = "keys/dev-root.pem" } }
metadata_base_url = "http://127.0.0.1:$PORT/metadata/"
targets_url = "http://127.0.0.1:$PORT/targets/"
TOML
sync_to_server() {  # targets before metadata, as for a real upload
  cp -a "$REPO_OUT/targets" "$TEST_TMP/www/"
  cp -a "$REPO_OUT/metadata" "$TEST_TMP/www/"
}
run repo dev --arch $ARCH
expect_status 0
expect_contains "(new repository)"
sync_to_server
run repo validate dev --arch $ARCH
expect_status 0
expect_contains "valid: http://127.0.0.1:$PORT/metadata/dev/$ARCH/"

set_version 1.5.0
fake_image 1.5.0
rm -rf "$REPO_OUT"
run repo dev --arch $ARCH
expect_status 0
expect_contains "9 in the repository"
expect_not_contains "new repository"
sync_to_server
run repo validate dev --arch $ARCH
expect_status 0
expect_contains "targets    9 downloaded and checked"
expect_contains "timestamp  timestamp.json       version 2"

# Tampering on the server is caught when the repository is loaded to be extended.
echo " " >>"$TEST_TMP/www/metadata/dev/$ARCH/2.targets.json"
set_version 1.6.0
fake_image 1.6.0
run repo dev --arch $ARCH
expect_status 3
expect_contains "2.targets.json is"

kill "$(pgrep -f "http.server --bind 127.0.0.1 --directory $TEST_TMP/www")"
sleep 0.2
run repo dev --arch $ARCH
expect_status 1
expect_contains "cannot read http://127.0.0.1:$PORT/metadata/dev/$ARCH/"
finish
