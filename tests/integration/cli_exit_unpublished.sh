#!/usr/bin/env bash
# Exit 3 means a digest, signature or lock did not match (docs/commands.md). Validating or checking
# a repository that was never published verifies nothing: it is a failure (1) whose hint says to
# publish first, not a tampered repository.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
repo_project

# No root role yet either.
run repo validate dev --arch $ARCH
expect_status 1
expect_contains "hint: publish first with \`osbuild repo\`"

# A root role made and signed, nothing published with it.
"$OSBUILD" keys generate --out keys/a.pem >/dev/null || fail "keys generate"
mkdir -p roles
R=roles/default.root.json
"$OSBUILD" root init $R >/dev/null
"$OSBUILD" root add-key $R keys/a.pem -r root -r targets -r snapshot -r timestamp >/dev/null
"$OSBUILD" root sign $R -k keys/a.pem >/dev/null || fail "root sign"
for cmd in validate check-expirations; do
  run repo $cmd dev --arch $ARCH
  expect_status 1
  expect_contains "osbuild: error: no repository at "
  expect_contains "timestamp.json does not exist"
  expect_contains "hint: publish one first with \`osbuild repo dev --arch $ARCH\`"
done
finish
