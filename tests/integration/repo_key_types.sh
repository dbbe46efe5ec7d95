#!/usr/bin/env bash
# A root made with `osbuild keys` and `osbuild root` holding ed25519, ecdsa and rsa keys, with
# thresholds of 2 and 3: too few signing keys are refused before anything is written, enough are
# accepted by tuf-js and by `repo validate`.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
repo_project
R=roles/default.root.json
for t in ed25519 ecdsa rsa; do
  run keys generate --type $t --out keys/$t.pem
  expect_status 0
  expect_contains "wrote $t key keys/$t.pem (mode 0600)"
done
run keys generate --type dsa --out keys/x.pem
expect_status 2
expect_contains "unknown key type 'dsa': expected ed25519, ecdsa or rsa"

mkdir -p roles
run root init $R
expect_status 0
all="-r root -r targets -r snapshot -r timestamp"
"$OSBUILD" root add-key $R keys/ed25519.pem $all >/dev/null || fail "add-key ed25519"
"$OSBUILD" root add-key $R keys/ecdsa.pem $all >/dev/null || fail "add-key ecdsa"
"$OSBUILD" root add-key $R keys/rsa.pem -r targets -r snapshot -r timestamp >/dev/null || fail "add-key rsa"
"$OSBUILD" root set-threshold $R root 2 >/dev/null || fail "set-threshold root"
"$OSBUILD" root set-threshold $R targets 3 >/dev/null || fail "set-threshold targets"
"$OSBUILD" root set-threshold $R snapshot 2 >/dev/null || fail "set-threshold snapshot"
"$OSBUILD" root set-threshold $R timestamp 2 >/dev/null || fail "set-threshold timestamp"
run root expire $R '26 weeks'
expect_status 0
run root sign $R -k keys/ed25519.pem
expect_status 0
expect_contains "1 of 2 root signatures needed"
run repo validate dev --arch $ARCH
expect_status 3
expect_contains "the trusted root is not signed by its own root keys: 1 valid signature from the root role's keys, threshold 2"
run root sign $R -k keys/ecdsa.pem
expect_contains "2 of 2 root signatures needed"

run repo dev --arch $ARCH -k keys/ed25519.pem -k keys/ecdsa.pem
expect_status 3
expect_contains "cannot sign targets: 2 valid signatures from the targets role's keys, threshold 3"
[ -e "$META/timestamp.json" ] && fail "metadata was written although signing failed"
run repo dev --arch $ARCH -k keys/ed25519.pem -k keys/ecdsa.pem -k keys/rsa.pem
expect_status 0
expect_eq "$(json_get "$META/1.targets.json" 'len(d["signatures"])')" "3"

serve "$REPO_OUT"
tuf_client c $R
expect_status 0
expect_contains '"keytypes":["ecdsa","ed25519","rsa"]'
run repo validate dev --arch $ARCH
expect_status 0
finish
