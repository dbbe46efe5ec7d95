#!/usr/bin/env bash
# Keys are checked against the root before anything is written: a publish with a key the root
# does not list, or with keys that meet the threshold of targets but not of snapshot, fails
# without a new target (manifest.json or image), a new metadata file, or a changed timestamp.json.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
run repo dev --arch $ARCH
expect_status 0
set_version 1.5.0
fake_image 1.5.0
state() { ls -R "$REPO_OUT" | sort; sha256sum "$META/timestamp.json"; }
before=$(state)

"$OSBUILD" keys generate --out keys/other.pem >/dev/null || fail "keys generate"
other_id=$("$OSBUILD" keys id keys/other.pem)
run repo dev --arch $ARCH --key keys/other.pem
expect_status 3
expect_contains "cannot sign targets: 0 valid signatures from the targets role's keys, threshold 1"
expect_contains "the signing keys given are ${other_id:0:12}"
expect_eq "$(state)" "$before" "a publish with the wrong key wrote to the repository"

run repo refresh dev --arch $ARCH --key keys/other.pem
expect_status 3
expect_contains "cannot sign targets: 0 valid signatures"
expect_eq "$(state)" "$before" "a refresh with the wrong key wrote to the repository"

# A root whose snapshot and timestamp roles need another key: the targets key alone is refused
# before targets are written, naming the role it cannot sign.
old_id=$("$OSBUILD" keys id keys/dev-root.pem)
"$OSBUILD" root init new-root.json --from roles/default.root.json >/dev/null || fail "root init"
"$OSBUILD" root remove-key new-root.json "${old_id:0:12}" -r snapshot -r timestamp >/dev/null ||
  fail "remove-key"
"$OSBUILD" root add-key new-root.json keys/other.pem -r snapshot -r timestamp >/dev/null ||
  fail "add-key"
"$OSBUILD" root sign new-root.json -k keys/dev-root.pem >/dev/null || fail "root sign"
run repo dev --arch $ARCH --root new-root.json
expect_status 3
expect_contains "cannot sign snapshot: 0 valid signatures from the snapshot role's keys, threshold 1"
expect_eq "$(state)" "$before" "a publish that cannot sign snapshot wrote to the repository"

run repo dev --arch $ARCH --root new-root.json --key keys/dev-root.pem --key keys/other.pem
expect_status 0
run repo validate dev --arch $ARCH
expect_status 0
expect_contains "2.root.json"
finish
