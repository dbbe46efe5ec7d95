#!/usr/bin/env bash
# `build kit K [--arch A]`: the kit's packages and the closure of their requires, stopping at
# another kit's packages, built into build/kits/<kit>/<arch>/ with index.json (name, version,
# digest, requires) and each package's artifact tar.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
kit_project "$TEST_TMP/producer" "127.0.0.1:1/osbuild"  # never contacted
cd "$PROJECT" || exit 1
arch=$(uname -m)

run build kit greet-kit
expect_status 0
expect_contains "kit greet-kit for $arch: 2 package(s) (greet, greet-data) in $PROJECT/build/kits/greet-kit/$arch"
index=build/kits/greet-kit/$arch/index.json
expect_eq "$(json_get '[(p["name"], p["version"], p["requires"]) for p in d["packages"]]' <"$index")" \
  "[('greet', '1.0.0', ['greet-data']), ('greet-data', '1.0.0', [])]" "index packages"
expect_eq "$(json_get '(d["name"], d["arch"], d["version"], d["kits"])' <"$index")" \
  "('greet-kit', '$arch', '1.0.0', [])" "index header"
# Each digest is the artifact the build recorded, and the tar beside the index.
for p in greet greet-data; do
  digest=$(json_get "[p['digest'] for p in d['packages'] if p['name'] == '$p'][0]" <"$index")
  expect_eq "sha256:$(sha256sum "build/kits/greet-kit/$arch/$p.tar" | cut -d' ' -f1)" "$digest" "$p.tar"
  expect_eq "$(json_get 'd["artifact"]' <"build/.osbuild/state/$arch/$p.json")" "${digest#sha256:}" "$p artifact"
done

# Another kit holding greet-data is a boundary: greet-kit keeps greet and names data-kit.
mkdir -p kits/data-kit
printf '[kit]\nvendor = "local"\nincluded-packages = ["greet-data"]\n' >kits/data-kit/kit.toml
run build kit greet-kit
expect_status 0
expect_contains "1 package(s) (greet)"
expect_eq "$(json_get '[p["name"] for p in d["packages"]]' <"$index")" "['greet']" "packages past the boundary"
expect_eq "$(json_get 'd["kits"]' <"$index")" "[{'name': 'data-kit', 'vendor': 'local', 'version': '=1.0.0'}]" "kits"
[ -e "build/kits/greet-kit/$arch/greet-data.tar" ] && fail "a stale tar was left in the kit folder"

# --arch builds into that arch's folder.
other=aarch64; [ "$arch" = aarch64 ] && other=x86_64
run build kit data-kit --arch "$other"
expect_status 0
expect_contains "kit data-kit for $other: 1 package(s) (greet-data)"
[ -f "build/kits/data-kit/$other/index.json" ] || fail "no index for $other"

# An unknown kit suggests the nearest.
run build kit greet-kt
expect_status 1
expect_contains "greet-kit"
finish
