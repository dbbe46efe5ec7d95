#!/usr/bin/env bash
# Root rotation: version 2 of the root, signed by the old and the new keys, is published with
# `repo refresh --root`; a tuf-js client holding root 1 follows it. A new root signed only by the
# new key, and metadata signed by the old key after the rotation, are refused.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
served_repo
tuf_client old roles/default.root.json
expect_status 0
expect_contains '"root":1'

old_id=$("$OSBUILD" keys id keys/dev-root.pem)
"$OSBUILD" keys generate --type ecdsa --out keys/new.pem >/dev/null || fail "keys generate"
run root init new-root.json --from roles/default.root.json
expect_status 0
"$OSBUILD" root remove-key new-root.json "${old_id:0:12}" >/dev/null || fail "remove-key"
"$OSBUILD" root add-key new-root.json keys/new.pem -r root -r targets -r snapshot -r timestamp \
  >/dev/null || fail "add-key"
"$OSBUILD" root sign new-root.json -k keys/new.pem >/dev/null || fail "sign new"
run repo refresh dev --arch $ARCH --root new-root.json --key keys/new.pem
expect_status 3
expect_contains "new-root.json is not signed by the keys of root version 1"
[ -e "$META/2.root.json" ] && fail "2.root.json written from a root the old keys did not sign"

run root sign new-root.json -k keys/dev-root.pem
expect_contains "is not a root key of this version: kept as a signature of an older root"
run repo refresh dev --arch $ARCH --root new-root.json --key keys/new.pem
expect_status 0
[ -f "$META/2.root.json" ] || fail "no 2.root.json"
tuf_client old roles/default.root.json
expect_status 0
expect_contains '"root":2'
expect_contains '"timestamp":2'
tuf_client fresh roles/default.root.json
expect_status 0
expect_contains '"keytypes":["ecdsa"]'

# After the rotation the old key no longer signs.
set_version 1.5.0
fake_image 1.5.0
run repo dev --arch $ARCH
expect_status 3
expect_contains "cannot sign targets: 0 valid signatures"
run repo dev --arch $ARCH --key keys/new.pem
expect_status 0
tuf_client old roles/default.root.json
expect_status 0
expect_contains '"timestamp":3'
run repo validate dev --arch $ARCH
expect_status 0
expect_contains "2.root.json"
finish
