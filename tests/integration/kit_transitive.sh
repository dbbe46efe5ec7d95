#!/usr/bin/env bash
# A kit's own [[kit]] requirements travel in its config blob and `update` follows them: a project
# that requires app-kit gets base-kit, which app-kit's packages need, in its lock, and its build
# uses both. Two requirements of one kit that no single version meets are refused with the chain
# of who wants which.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry

# base: kit base-kit (package base-lib), published as 1.0.0 and 2.0.0.
script_project "$TEST_TMP/base"
base=$PROJECT
local_vendor "$base/osbuild.toml" "$REGISTRY"
script_package base-lib 'mkdir -p "$OSBUILD_DESTDIR/usr/lib" && echo base >"$OSBUILD_DESTDIR/usr/lib/base.txt"'
mkdir -p "$base/kits/base-kit"
printf '[kit]\nvendor = "local"\nincluded-packages = ["base-lib"]\n' >"$base/kits/base-kit/kit.toml"
cd "$base" || exit 1
for v in 1.0.0 2.0.0; do
  set_release_version "$v"
  run publish kit base-kit
  expect_status 0
done

# app: kit app-kit (package app-bin, which requires base-kit's base-lib), requiring base-kit ^1.
script_project "$TEST_TMP/app"
app=$PROJECT
local_vendor "$app/osbuild.toml" "$REGISTRY"
require_kit "$app/osbuild.toml" base-kit ^1
script_package app-bin 'mkdir -p "$OSBUILD_DESTDIR/usr/bin" && echo app >"$OSBUILD_DESTDIR/usr/bin/app"' 'requires = ["base-lib"]'
mkdir -p "$app/kits/app-kit"
printf '[kit]\nvendor = "local"\nincluded-packages = ["app-bin"]\n' >"$app/kits/app-kit/kit.toml"
cd "$app" || exit 1
run update
expect_status 0
run fetch
expect_status 0
run publish kit app-kit
expect_status 0
# The kit holds app-bin only: base-lib belongs to base-kit, which the config names.
registry_get "osbuild/app-kit/manifests/v1.0.0" application/vnd.oci.image.index.v1+json >"$TEST_TMP/index.json"
manifest=$(json_get 'd["manifests"][0]["digest"]' <"$TEST_TMP/index.json")
registry_get "osbuild/app-kit/manifests/$manifest" application/vnd.oci.image.manifest.v1+json >"$TEST_TMP/manifest.json"
registry_get "osbuild/app-kit/blobs/$(json_get 'd["config"]["digest"]' <"$TEST_TMP/manifest.json")" >"$TEST_TMP/config.json"
expect_eq "$(json_get '[p["name"] for p in d["packages"]]' <"$TEST_TMP/config.json")" "['app-bin']" "app-kit packages"
expect_eq "$(json_get 'd["kits"]' <"$TEST_TMP/config.json")" \
  "[{'name': 'base-kit', 'vendor': 'local', 'version': '^1'}]" "app-kit's kits"

# The consumer requires app-kit alone; update brings base-kit 1.0.0 (not 2.0.0) along.
consumer=$TEST_TMP/consumer
consumer_project "$consumer" "$REGISTRY" app-kit ^1.0
mkdir -p "$consumer/variants/dev"
printf '[variant]\nincluded-packages = ["app-bin"]\n' >"$consumer/variants/dev/variant.toml"
cd "$consumer" || exit 1
run update
expect_status 0
expect_contains "app-kit 1.0.0"
expect_contains "base-kit 1.0.0"
grep -q '^kits = \[{ name = "base-kit", version = "^1", vendor = "local" }\]' osbuild.lock ||
  fail "the lock does not record app-kit's requirement: $(cat osbuild.lock)"
run --locked fetch
expect_status 0
expect_contains "kit base-kit 1.0.0"
run --locked build variant dev
expect_status 0
expect_eq "$(json_get '" ".join(sorted(p["name"] for p in d["packages"]))' <"build/.osbuild/variants/$(uname -m)/dev.json")" \
  "app-bin base-lib" "packages of the build"

# Requiring base-kit ^2 directly conflicts with app-kit's ^1: the chain says who wants which.
cp osbuild.lock "$TEST_TMP/lock.before"
require_kit osbuild.toml base-kit ^2
run update
expect_status 1
expect_contains "kit base-kit is wanted at versions no single tag of $REGISTRY/osbuild/base-kit meets:"
expect_contains "osbuild.toml:"
expect_contains "→ app-kit 1.0.0 → base-kit ^1"
expect_contains "base-kit ^2"
expect_contains "available: v1.0.0, v2.0.0"
cmp -s osbuild.lock "$TEST_TMP/lock.before" || fail "a failed update changed osbuild.lock"

# A lock missing the kit a locked kit needs is stale.
python3 - <<'PY'
text = open("osbuild.toml").read()
open("osbuild.toml", "w").write(text[:text.rindex("[[kit]]")])
text = open("osbuild.lock").read()
start = text.index('[[kit]]\nname = "base-kit"')
open("osbuild.lock", "w").write(text[:start].rstrip("\n") + "\n")
PY
run --locked fetch
expect_status 3
expect_contains "kit base-kit (required by app-kit 1.0.0) is not in osbuild.lock"
finish
