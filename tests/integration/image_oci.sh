#!/usr/bin/env bash
# `osbuild image dev --oci` for x86_64 and aarch64 writes one OCI image layout,
# build/images/oci-dev/, whose index names both platforms under the release version; skopeo reads
# it, the layers are the artifact tars as built, and two clean runs give the same bytes.
source "$OSBUILD_TESTS/integration/image_lib.bash"
command -v skopeo >/dev/null || { echo "FAIL: skopeo is missing (scripts/install-deps.sh installs it)"; exit 1; }
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
OCI=$PROJECT/build/images/oci-dev
VERSION=1.0.0
# The closure is app, base and kernel (buildonly is build-time only), plus the osbuild layer
# (os-release and the update agent files).
LAYERS=4

# make_arch ARCH: builds the variant for ARCH and writes its image and OCI manifest.
make_arch() {
  run build variant dev --arch "$1"
  [ "$status" = 0 ] || return 1
  run image dev --arch "$1" --oci
  expect_status 0
  expect_contains "wrote OCI image oci:$OCI:$VERSION"
}

# artifacts ARCH: the artifact digests of the closure from the build record, sorted.
artifacts() {
  python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(p["artifact"] for p in d["packages"] if p["name"] in ("app", "base", "kernel"))))' \
    "$PROJECT/build/.osbuild/variants/$1/dev.json"
}

layout_digests() { (cd "$OCI" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

# inspect_arch GOARCH: `skopeo inspect` of that platform: "<Architecture> <number of layers>".
inspect_arch() {
  skopeo --override-os linux --override-arch "$1" inspect "oci:$OCI:$VERSION" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["Architecture"], len(d["Layers"]))'
}

make_arch x86_64 || { fail "build for x86_64 failed: $out"; finish; }
arm=yes
if ! make_arch aarch64; then
  echo "note: build variant dev --arch aarch64 failed, checking x86_64 only: $out"
  arm=no
fi

expect_eq "$(cat "$OCI/oci-layout")" '{"imageLayoutVersion":"1.0.0"}' "oci-layout"
raw=$(skopeo inspect --raw "oci:$OCI:$VERSION") || fail "skopeo inspect --raw failed: $raw"
platforms=$(printf '%s' "$raw" | python3 -c 'import json,sys
d = json.load(sys.stdin)
assert d["mediaType"] == "application/vnd.oci.image.index.v1+json", d
print(" ".join(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in d["manifests"]))')
if [ "$arm" = yes ]; then
  expect_eq "$platforms" "linux/amd64 linux/arm64" "platforms in the index"
  expect_eq "$(inspect_arch arm64)" "arm64 $LAYERS" "skopeo inspect --override-arch arm64"
else
  expect_eq "$platforms" "linux/amd64" "platforms in the index"
fi
expect_eq "$(inspect_arch amd64)" "amd64 $LAYERS" "skopeo inspect --override-arch amd64"

# The config and the manifest, as skopeo reads them.
config=$(skopeo --override-os linux --override-arch amd64 inspect --config "oci:$OCI:$VERSION")
printf '%s' "$config" | python3 -c 'import datetime,json,sys
d = json.load(sys.stdin)
epoch = json.load(open(sys.argv[1]))["source-date-epoch"]
created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
assert d["created"] == created, (d["created"], created)
assert d["rootfs"]["type"] == "layers", d
assert [h["created_by"] for h in d["history"]] == ["osbuild package base 1.0.0",
    "osbuild package app 1.0.0", "osbuild package kernel 1.0.0", "osbuild os-release, update agent files"], d["history"]' \
  "$PROJECT/build/.osbuild/variants/x86_64/dev.json" ||
  fail "config: $config"

# Copied out, the layer blobs are the artifact tars byte for byte (named by their sha256).
skopeo --insecure-policy --override-os linux --override-arch amd64 copy "oci:$OCI:$VERSION" \
  "dir:$TEST_TMP/copy" >"$TEST_TMP/copy.log" 2>&1 || fail "skopeo copy failed: $(cat "$TEST_TMP/copy.log")"
for digest in $(artifacts x86_64); do
  if [ -f "$TEST_TMP/copy/$digest" ]; then
    expect_eq "$(sha256sum <"$TEST_TMP/copy/$digest" | cut -d' ' -f1)" "$digest" "copied layer"
  else
    fail "artifact $digest is not a layer of the copy: $(ls "$TEST_TMP/copy")"
  fi
done
layer_count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["layers"]))' \
  "$TEST_TMP/copy/manifest.json")
expect_eq "$layer_count" "$LAYERS" "layers in the copied manifest"

# Again with the image up to date: the layout stays as it was.
first=$(layout_digests)
cp -a "$OCI" "$TEST_TMP/first-layout"
run image dev --arch x86_64 --oci
expect_status 0
expect_contains "nothing to do"
expect_eq "$(layout_digests)" "$first" "layout after an up-to-date rerun"

# From clean, the arches in the other order: the same bytes.
rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR"
sleep 1 # a clock that leaks into the bytes now shows
if [ "$arm" = yes ]; then make_arch aarch64 || fail "second aarch64 build failed: $out"; fi
make_arch x86_64 || fail "second x86_64 build failed: $out"
second=$(layout_digests)
expect_eq "$second" "$first" "layout of two clean runs"
# On a difference, what differs: a tar listing of each layer, a JSON blob as it is.
if [ "$second" != "$first" ]; then
  for blob in "$TEST_TMP"/first-layout/blobs/sha256/* "$OCI"/blobs/sha256/*; do
    echo "== $blob"
    tar -tvf "$blob" 2>/dev/null || head -c 2000 "$blob"
    echo
  done
fi
[ "$(printf '%s\n' "$first" | wc -l)" -ge 8 ] || fail "too few files in the layout: $first"
finish
