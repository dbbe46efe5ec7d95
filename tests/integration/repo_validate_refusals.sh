#!/usr/bin/env bash
# `repo validate` refuses, with a message naming the file and the check, each way a repository can
# be wrong: a tampered target, a bad signature, too few signatures, an expired role, a rollback, a
# wrong length recorded in the snapshot, a new root the old root did not sign.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
# Two timestamp keys, threshold 2, so that one missing signature falls below it.
"$OSBUILD" keys generate --out keys/a.pem >/dev/null && "$OSBUILD" keys generate --out keys/b.pem >/dev/null ||
  fail "keys generate"
mkdir -p roles
R=roles/default.root.json
"$OSBUILD" root init $R >/dev/null
"$OSBUILD" root add-key $R keys/a.pem -r root -r targets -r snapshot -r timestamp >/dev/null
"$OSBUILD" root add-key $R keys/b.pem -r timestamp >/dev/null
"$OSBUILD" root set-threshold $R timestamp 2 >/dev/null
"$OSBUILD" root sign $R -k keys/a.pem >/dev/null || fail "root sign"
run repo dev --arch $ARCH -k keys/a.pem -k keys/b.pem
expect_status 0
cp -a "$REPO_OUT" "$TEST_TMP/good"
restore() {
  rm -rf "$REPO_OUT" build/.osbuild/repo-trust
  cp -a "$TEST_TMP/good" "$REPO_OUT"
}
refused() {  # refused MESSAGE: validate exits 3 with MESSAGE
  run repo validate dev --arch $ARCH
  expect_status 3
  expect_contains "$1"
  restore
}
run repo validate dev --arch $ARCH
expect_status 0

boot=$(ls "$REPO_OUT"/targets/*-boot.ext4.lz4)
printf 'X' | dd of="$boot" bs=1 seek=10 conv=notrunc status=none
refused "but targets.json records"
expect_contains "(a tampered or corrupt target)"

python3 - "$META/timestamp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["signatures"][0]["sig"]
d["signatures"][0]["sig"] = ("0" if s[0] != "0" else "1") + s[1:]
json.dump(d, open(sys.argv[1], "w"))
PY
refused "timestamp.json: signature threshold not met: 1 valid signature from the timestamp role's keys, threshold 2 (1 bad signature)"

python3 - "$META/timestamp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["signatures"] = d["signatures"][:1]
json.dump(d, open(sys.argv[1], "w"))
PY
refused "timestamp.json: signature threshold not met: 1 valid signature from the timestamp role's keys, threshold 2"

echo " " >>"$META/1.targets.json"
refused "1.targets.json is"
expect_contains "but 1.snapshot.json records"

# osbuild refuses to sign metadata that has already expired: the timestamp is re-signed expired.
resign "$META/timestamp.json" 's["expires"] = "2020-01-08T00:00:00Z"' keys/a.pem keys/b.pem ||
  fail "resign timestamp.json"
refused "timestamp.json: the timestamp role expired on 2020-01-08T00:00:00Z"
expect_contains "hint: re-sign it with \`osbuild repo refresh --unsafe\`"

cp "$META/timestamp.json" "$TEST_TMP/timestamp.1.json"
run repo refresh dev --arch $ARCH -k keys/a.pem -k keys/b.pem
expect_status 0
run repo validate dev --arch $ARCH
expect_status 0
cp "$TEST_TMP/timestamp.1.json" "$META/timestamp.json"
run repo validate dev --arch $ARCH
expect_status 3
expect_contains "timestamp.json has version 1, lower than the trusted version 2: a rollback"
restore

"$OSBUILD" keys generate --out keys/c.pem >/dev/null
"$OSBUILD" root init "$TEST_TMP/2.root.json" --from $R >/dev/null
"$OSBUILD" root add-key "$TEST_TMP/2.root.json" keys/c.pem -r root >/dev/null
"$OSBUILD" root remove-key "$TEST_TMP/2.root.json" "$("$OSBUILD" keys id keys/a.pem)" -r root >/dev/null
"$OSBUILD" root sign "$TEST_TMP/2.root.json" -k keys/c.pem >/dev/null
cp "$TEST_TMP/2.root.json" "$META/2.root.json"
refused "2.root.json is not signed by the keys of root version 1: 0 valid signatures from the root role's keys, threshold 1"
finish
