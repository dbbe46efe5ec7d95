#!/usr/bin/env bash
# tuf-js, a TUF client osbuild did not write, accepts a fresh repository and the same repository
# extended with a second version, both as a new client and as one that trusted the first state.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
repo_project
day=$(date -u -d '+1 day' +%Y-%m-%d)
export RELEASE_START_TIME=${day}T00:00:00Z
run repo dev --arch $ARCH
expect_status 0
expect_contains "generated keys/dev-root.pem and roles/default.root.json for development only"
expect_contains "version   1.4.0, 6 targets written"
[ -f "$META/1.root.json" ] && [ -f "$META/1.targets.json" ] && [ -f "$META/1.snapshot.json" ] &&
  [ -f "$META/timestamp.json" ] || fail "consistent-snapshot files missing: $(ls "$META")"
expect_eq "$(stat -c %a keys/dev-root.pem)" "600" "development key mode"
expect_eq "$(json_get "$META/timestamp.json" 'd["signed"]["expires"]')" "$(date -u -d "$day +7 days" +%Y-%m-%d)T00:00:00Z" \
  "timestamp expiry = RELEASE_START_TIME + 1 week"
expect_eq "$(json_get "$META/1.root.json" 'd["signed"]["consistent_snapshot"]')" "True"
python3 - "$META"/*.json <<'PY' || fail "a float in the metadata"
import json, sys
def walk(v):
    if isinstance(v, float): sys.exit(1)
    for c in (v.values() if isinstance(v, dict) else v if isinstance(v, list) else []): walk(c)
for f in sys.argv[1:]: walk(json.load(open(f)))
PY
image=build/images/$ARCH-dev/1.4.0
p=hello-os-dev-$ARCH-1.4.0
serve "$REPO_OUT"
tuf_client old roles/default.root.json --expect "$p-boot.ext4.lz4=$image/$p-boot.ext4.lz4" \
  --expect "$p-root.erofs.lz4=$image/$p-root.erofs.lz4" \
  --expect "$p-root.verity.lz4=$image/$p-root.verity.lz4" \
  --expect "migrate_v1.4.0_agent-config.lz4=migrations/migrate_v1.4.0_agent-config.lz4"
expect_status 0
expect_contains '"timestamp":1'
expect_contains '"name":"manifest.json"'
manifest=$(ls "$REPO_OUT"/targets/*.manifest.json)
expect_eq "$(json_get "$manifest" 'sorted(d["updates"][0]["waves"], key=int)')" \
  "['0', '20', '102', '307', '819', '1228', '1843']" "waves keyed by seed"
expect_eq "$(json_get "$manifest" 'd["updates"][0]["waves"]["0"]')" "${day}T01:00:00Z"
expect_eq "$(json_get "$manifest" 'd["migrations"]["(1.3.0, 1.4.0)"]')" "['migrate_v1.4.0_agent-config.lz4']"
expect_eq "$(json_get "$manifest" 'd["updates"][0]["images"]["hash"]')" "$p-root.verity.lz4"

# A second version extends the repository: old targets stay, versions go up.
set_version 1.5.0
fake_image 1.5.0
run repo dev --arch $ARCH
expect_status 0
expect_contains "version   1.5.0"
tuf_client old roles/default.root.json
expect_status 0
expect_contains '"timestamp":2'
expect_contains "\"name\":\"$p-boot.ext4.lz4\""
expect_contains "\"name\":\"hello-os-dev-$ARCH-1.5.0-boot.ext4.lz4\""
tuf_client fresh roles/default.root.json
expect_status 0
expect_contains '"targets_version":2'
manifest=$(ls -t "$REPO_OUT"/targets/*.manifest.json | head -n1)
expect_eq "$(json_get "$manifest" '[u["max_version"] for u in d["updates"]]')" "['1.5.0', '1.5.0']"

run repo validate dev --arch $ARCH
expect_status 0
expect_contains "targets    9 downloaded and checked"
run repo validate dev --arch $ARCH --metadata-url "http://127.0.0.1:$PORT/metadata/dev/$ARCH/" \
  --targets-url "http://127.0.0.1:$PORT/targets/"
expect_status 0
expect_contains "valid: http://127.0.0.1:$PORT/metadata/dev/$ARCH/"
finish
