#!/usr/bin/env bash
# `publish kit` pushes one layer per package, a config blob, a manifest and an index tagged
# v<release-version> to a real registry, all content-addressed; republishing pushes no blob.
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry
kit_project "$TEST_TMP/producer" "$REGISTRY"
cd "$PROJECT" || exit 1

run publish kit greet-kit
expect_status 0
expect_contains "3 blob(s) pushed, 0 skipped"
expect_contains "$REGISTRY/osbuild/greet-kit:v1.0.0"

# The index, fetched with curl, hashes to the digest the registry reports.
index_type=application/vnd.oci.image.index.v1+json
manifest_type=application/vnd.oci.image.manifest.v1+json
repo=osbuild/greet-kit
curl -fsS -m 10 -H "Accept: $index_type" -D "$TEST_TMP/index.headers" \
  -o "$TEST_TMP/index.json" "$REGISTRY_URL/v2/$repo/manifests/v1.0.0" || fail "GET index"
reported=$(tr -d '\r' <"$TEST_TMP/index.headers" | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
expect_eq "sha256:$(sha256sum "$TEST_TMP/index.json" | cut -d' ' -f1)" "$reported" "index digest"
expect_eq "$(json_get 'd["mediaType"]' <"$TEST_TMP/index.json")" "$index_type" "index media type"
arch=$(uname -m); oci_arch=$([ "$arch" = x86_64 ] && echo amd64 || echo arm64)
expect_eq "$(json_get '[m["platform"]["architecture"] for m in d["manifests"]]' <"$TEST_TMP/index.json")" "['$oci_arch']" "index platforms"
manifest_digest=$(json_get 'd["manifests"][0]["digest"]' <"$TEST_TMP/index.json")

# The manifest by digest: two layers titled by package, each blob hashing to its digest.
registry_get "$repo/manifests/$manifest_digest" "$manifest_type" >"$TEST_TMP/manifest.json" || fail "GET manifest"
expect_eq "sha256:$(sha256sum "$TEST_TMP/manifest.json" | cut -d' ' -f1)" "$manifest_digest" "manifest digest"
expect_eq "$(json_get 'sorted(l["annotations"]["org.opencontainers.image.title"] for l in d["layers"])' <"$TEST_TMP/manifest.json")" \
  "['greet', 'greet-data']" "layer titles"
expect_eq "$(json_get 'set(l["mediaType"] for l in d["layers"])' <"$TEST_TMP/manifest.json")" \
  "{'application/vnd.osbuild.package.layer.v1.tar'}" "layer media type"
for digest in $(json_get '" ".join([l["digest"] for l in d["layers"]] + [d["config"]["digest"]])' <"$TEST_TMP/manifest.json"); do
  registry_get "$repo/blobs/$digest" >"$TEST_TMP/blob" || fail "GET blob $digest"
  expect_eq "sha256:$(sha256sum "$TEST_TMP/blob" | cut -d' ' -f1)" "$digest" "blob digest"
done
# Each layer is the artifact the build stored.
for digest in $(json_get '" ".join(l["digest"] for l in d["layers"])' <"$TEST_TMP/manifest.json"); do
  hex=${digest#sha256:}
  [ -n "$(find "$OSBUILD_CACHE_DIR/cas" -name "$hex" -print -quit)" ] || fail "layer $digest is not a store artifact"
done

# The config blob carries the kit's metadata.
config_digest=$(json_get 'd["config"]["digest"]' <"$TEST_TMP/manifest.json")
expect_eq "$(json_get 'd["config"]["mediaType"]' <"$TEST_TMP/manifest.json")" "application/vnd.osbuild.kit.config.v1+json" "config media type"
registry_get "$repo/blobs/$config_digest" >"$TEST_TMP/config.json"
expect_eq "$(json_get '(d["name"], d["version"], d["arch"])' <"$TEST_TMP/config.json")" "('greet-kit', '1.0.0', '$arch')" "config"
expect_eq "$(json_get '[(p["name"], p["version"], p["requires"]) for p in d["packages"]]' <"$TEST_TMP/config.json")" \
  "[('greet', '1.0.0', ['greet-data']), ('greet-data', '1.0.0', [])]" "config packages"

# Republishing the unchanged kit uploads nothing and keeps the index.
run publish kit greet-kit
expect_status 0
expect_contains "0 blob(s) pushed, 3 skipped, 0 bytes sent"
registry_get "$repo/manifests/v1.0.0" "$index_type" >"$TEST_TMP/index2.json"
cmp -s "$TEST_TMP/index.json" "$TEST_TMP/index2.json" || fail "the index changed on an unchanged republish"

# A second kit sharing a package: its layer is mounted from greet-kit's repository, not uploaded.
mkdir -p "$PROJECT/kits/data-kit"
cat >"$PROJECT/kits/data-kit/kit.toml" <<TOML
[kit]
name = "data-kit"
vendor = "local"
included-packages = ["greet-data"]
TOML
run publish kit data-kit
expect_status 0
expect_contains "greet-data               mounted"
expect_contains "1 blob(s) pushed, 0 skipped, 1 mounted from another kit"
registry_get "osbuild/data-kit/manifests/v1.0.0" "$index_type" >/dev/null || fail "GET data-kit index"

# A changed package: only its layer (and the config, which names its digest) is uploaded.
# (Without data-kit, whose greet-data would otherwise be a boundary greet-kit stops at.)
rm -r "$PROJECT/kits/data-kit"
printf 'echo more >>"$OSBUILD_DESTDIR/usr/share/greet/word"\n' >>"$PROJECT/packages/greet-data/build.sh"
run publish kit greet-kit
expect_status 0
expect_contains "2 blob(s) pushed, 1 skipped"
finish
