#!/usr/bin/env bash
# `repo check-expirations` lists each role's expiry and fails naming the roles that expire within
# the window; `repo refresh` re-signs with new expirations without touching targets, and needs
# --unsafe once the repository has expired.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
start=$(date -u -d '-5 days' +%Y-%m-%dT%H:%M:%SZ)
RELEASE_START_TIME=$start run repo dev --arch $ARCH
expect_status 0
ts_expiry=$(json_get "$META/timestamp.json" 'd["signed"]["expires"]')
run repo check-expirations dev --arch $ARCH
expect_status 1
expect_contains "osbuild: error: timestamp (timestamp.json) expires on $ts_expiry"
expect_contains "1 role expires within 3 days"
expect_not_contains "error: targets"
run repo check-expirations dev --arch $ARCH --within '1 day'
expect_status 0
expect_contains "timestamp  timestamp.json       version 1      expires $ts_expiry"
REPO_METADATA_EXPIRING_WITHIN='10 days' run repo check-expirations dev --arch $ARCH
expect_status 1
expect_contains "error: targets (1.targets.json) expires on"
expect_contains "error: snapshot (1.snapshot.json) expires on"

targets_before=$(ls "$REPO_OUT/targets" | sort)
run repo refresh dev --arch $ARCH
expect_status 0
expect_contains "targets   6, untouched"
expect_eq "$(ls "$REPO_OUT/targets" | sort)" "$targets_before" "refresh touched targets"
run repo check-expirations dev --arch $ARCH
expect_status 0
expect_eq "$(json_get "$META/2.targets.json" 'sorted(d["signed"]["targets"])')" \
  "$(json_get "$META/1.targets.json" 'sorted(d["signed"]["targets"])')"

# An expired repository: validate refuses, refresh needs --unsafe. osbuild refuses to sign
# metadata that has already expired, so the timestamp is made to expire by re-signing it.
RELEASE_START_TIME=2020-01-01T00:00:00Z run repo refresh dev --arch $ARCH
expect_status 1
expect_contains "the targets role would expire on 2020-01-15T00:00:00Z, already past"
resign "$META/timestamp.json" 's["expires"] = "2020-01-08T00:00:00Z"' keys/dev-root.pem ||
  fail "resign timestamp.json"
run repo check-expirations dev --arch $ARCH
expect_status 1
expect_contains "error: timestamp (timestamp.json) expired on 2020-01-08T00:00:00Z"
run repo refresh dev --arch $ARCH
expect_status 3
expect_contains "the timestamp role expired on 2020-01-08T00:00:00Z"
run repo refresh dev --arch $ARCH --unsafe
expect_status 0
run repo validate dev --arch $ARCH
expect_status 0
finish
