#!/usr/bin/env bash
# --locked refuses a lock that no longer matches osbuild.toml, naming the entry: a requirement the
# locked version does not meet, a kit added, a kit removed, a vendor changed; without --locked the
# same lock is warned about. A lock whose version and source tag disagree is always refused
# (twoliter #450), and `update --locked` refuses to change the lock.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry
kit_project "$TEST_TMP/producer" "$REGISTRY"
cd "$PROJECT" || exit 1
for v in 1.0.0 2.0.0; do
  set_release_version "$v"
  run publish kit greet-kit
  expect_status 0
done

consumer=$TEST_TMP/consumer
consumer_project "$consumer" "$REGISTRY"
printf '\n[vendor.mirror]\nregistry = "%s/osbuild"\n' "$REGISTRY" >>"$consumer/osbuild.toml"
cd "$consumer" || exit 1
run update
expect_status 0
run --locked fetch
expect_status 0
expect_contains "kit greet-kit 1.0.0"
run --locked update
expect_status 0
expect_contains "unchanged osbuild.lock"
cp osbuild.lock "$TEST_TMP/lock.good"

# A requirement the locked version no longer meets.
sed -i 's/^version = "\^1.0"/version = "^2"/' osbuild.toml
run --locked fetch
expect_status 3
expect_contains "--locked: osbuild.lock does not match osbuild.toml"
expect_contains "kit greet-kit: locked version 1.0.0 does not meet \"^2\" (osbuild.toml:"
expect_contains "run \`osbuild update\`"
run fetch --locked
expect_status 3
run build variant dev --locked
expect_status 3
expect_contains "locked version 1.0.0 does not meet"
# Without --locked: a warning, and the lock as it is.
run fetch
expect_status 0
expect_contains "warning: osbuild.lock does not match osbuild.toml"
# update --locked would change the lock: refused, the file untouched.
run update --locked
expect_status 3
expect_contains "greet-kit 1.0.0"
expect_contains "would become 2.0.0"
cmp -s osbuild.lock "$TEST_TMP/lock.good" || fail "update --locked changed osbuild.lock"
sed -i 's/^version = "\^2"/version = "^1.0"/' osbuild.toml

# A vendor changed.
sed -i 's/^vendor = "local"/vendor = "mirror"/' osbuild.toml
run --locked fetch
expect_status 3
expect_contains "kit greet-kit: osbuild.toml (osbuild.toml:"
expect_contains "says vendor \"mirror\", osbuild.lock has \"local\""
sed -i 's/^vendor = "mirror"/vendor = "local"/' osbuild.toml

# A kit added.
require_kit osbuild.toml data-kit ^1.0
run --locked fetch
expect_status 3
expect_contains "kit data-kit (osbuild.toml:"
expect_contains ") is not in osbuild.lock"

# A kit removed.
python3 - <<'PY'
text = open("osbuild.toml").read()
open("osbuild.toml", "w").write(text[:text.index("[[kit]]")])
PY
run --locked fetch
expect_status 3
expect_contains "kit greet-kit is in osbuild.lock (osbuild.lock:"
expect_contains "but osbuild.toml no longer requires it"

# twoliter #450: the version says one thing, the source tag another; refused with or without --locked.
cp "$TEST_TMP/lock.good" osbuild.lock
require_kit osbuild.toml greet-kit ^1.0
sed -i 's/^version = "1.0.0"/version = "2.0.0"/' osbuild.lock
run fetch
expect_status 3
expect_contains "osbuild.lock:"
expect_contains "kit greet-kit: version 2.0.0 disagrees with its source $REGISTRY/osbuild/greet-kit:v1.0.0 (tag v1.0.0)"
run --locked fetch
expect_status 3
cp "$TEST_TMP/lock.good" osbuild.lock
run --locked fetch
expect_status 0

# --locked with no lock at all.
rm osbuild.lock
run --locked fetch
expect_status 3
expect_contains "there is no osbuild.lock"
finish
