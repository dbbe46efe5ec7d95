#!/usr/bin/env bash
# Inputs are checked before anything is signed or written: a missing image, a migration named in
# Release.toml that is not in migrations/, a signing key others can read, the same version twice.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project
nothing_written() {
  [ -e "$REPO_OUT" ] && fail "$1: $REPO_OUT was written"
  [ -e roles/default.root.json ] && fail "$1: a root was generated"
}

run repo dev --arch $ARCH --version 1.3.0
expect_status 1
expect_contains "osbuild: error: no image of variant dev for $ARCH version 1.3.0: run osbuild image dev --arch $ARCH first"
nothing_written "missing image"

mv migrations/migrate_v1.4.0_agent-config.lz4 "$TEST_TMP/"
run repo dev --arch $ARCH
expect_status 1
expect_contains "Release.toml:"
expect_contains "migration file 'migrate_v1.4.0_agent-config.lz4' for (1.3.0, 1.4.0) does not exist in $PROJECT/migrations"
nothing_written "missing migration"
mv "$TEST_TMP/migrate_v1.4.0_agent-config.lz4" migrations/

"$OSBUILD" keys generate --out keys/dev-root.pem >/dev/null || fail "keys generate"
chmod 644 keys/dev-root.pem
run repo dev --arch $ARCH
expect_status 3
expect_contains "signing key $PROJECT/keys/dev-root.pem is readable by group or others (mode 0644)"
expect_contains "hint: chmod 600 $PROJECT/keys/dev-root.pem"
[ -e "$META/timestamp.json" ] && fail "published with a loose key"
chmod 600 keys/dev-root.pem

run repo dev --arch $ARCH
expect_status 0
before=$(sha256sum "$META/timestamp.json")
run repo dev --arch $ARCH
expect_status 1
expect_contains "version 1.4.0 of dev for $ARCH is already in repository 'default'"
expect_contains "or replace it with \`osbuild repo dev --force\`"
expect_eq "$(sha256sum "$META/timestamp.json")" "$before" "refused publish changed timestamp.json"
fake_image 1.4.0
run repo dev --arch $ARCH --force
expect_status 0
expect_contains "timestamp version 2"
run repo validate dev --arch $ARCH
expect_status 0
manifest=$(ls -t "$REPO_OUT"/targets/*.manifest.json | head -n1)
expect_eq "$(json_get "$manifest" 'len(d["updates"])')" "1" "--force replaces the update"
finish
