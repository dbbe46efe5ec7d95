#!/usr/bin/env bash
# A kit published for x86_64 and aarch64 by one project is consumed by another: update, fetch (by
# digest, verified, into an empty store), build variant and image for both arches, and the
# image's root holds the kit's files. A local package of a kit package's name is refused unless
# overridden; a blob tampered with on the registry is caught at fetch with its digest named.
source "$OSBUILD_TESTS/integration/image_lib.bash"
source "$OSBUILD_TESTS/integration/oci_lib.bash"
start_registry
kit_project "$TEST_TMP/producer" "$REGISTRY"
cd "$PROJECT" || exit 1
# Each arch's layers differ: greet-data records the arch it was built for.
echo 'echo "$OSBUILD_ARCH" >"$OSBUILD_DESTDIR/usr/share/greet/arch"' >>packages/greet-data/build.sh
for arch in x86_64 aarch64; do
  run publish kit greet-kit --arch "$arch"
  expect_status 0
  expect_contains "greet-kit:v1.0.0"
done

# The consumer: image_project's variant, whose app now requires the kit's greet.
image_project "$TEST_TMP/consumer"
consumer=$PROJECT
local_vendor "$consumer/osbuild.toml" "$REGISTRY"
require_kit "$consumer/osbuild.toml" greet-kit ^1.0
sed -i 's/^requires = \["base"\]/requires = ["base", "greet"]/' "$consumer/packages/app/package.toml"
cd "$consumer" || exit 1
export OSBUILD_CACHE_DIR=$TEST_TMP/consumer-cache  # nothing of the producer's store

run build variant dev
expect_status 1
expect_contains "unknown package 'greet' in 'requires'"
expect_contains "(no osbuild.lock)"
run update
expect_status 0
expect_contains "greet-kit 1.0.0"
run --offline build variant dev
expect_status 1
expect_contains "kit greet-kit 1.0.0 is not fetched for $(uname -m) and --offline forbids the registry"
expect_contains "osbuild fetch"

for arch in x86_64 aarch64; do
  run fetch --arch "$arch"
  expect_status 0
  expect_contains "kit greet-kit 1.0.0 for $arch: 2 layer(s), $([ "$arch" = x86_64 ] && echo 2 || echo 1) downloaded"
  run fetch --arch "$arch"
  expect_status 0
  expect_contains "kit greet-kit 1.0.0 for $arch: up to date"
  run build variant dev --arch "$arch"
  expect_status 0
  record=build/.osbuild/variants/$arch/dev.json
  expect_eq "$(json_get '" ".join(sorted(p["name"] for p in d["packages"]))' <"$record")" \
    "app base buildonly greet greet-data kernel" "packages of the $arch build"
  # The kit's packages are its layers, as fetched: the artifacts in the record are their digests.
  layers=$(json_get '" ".join(sorted(p["digest"][7:] for p in d["packages"]))' <"build/external-kits/$arch/greet-kit.json")
  expect_eq "$(json_get '" ".join(sorted(p["artifact"] for p in d["packages"] if p["name"].startswith("greet")))' <"$record")" \
    "$layers" "kit artifacts in the $arch record"
  run image dev --arch "$arch"
  expect_status 0
  dir=build/images/$arch-dev/1.0.0
  lz4 -dc "$dir/tiny-os-dev-$arch-1.0.0-root.erofs.lz4" >"$TEST_TMP/root-$arch.fs" || fail "no root image for $arch"
  fsck.erofs --extract="$TEST_TMP/root-$arch" "$TEST_TMP/root-$arch.fs" >/dev/null 2>&1 || fail "fsck.erofs ($arch)"
  for f in usr/bin/greet usr/share/greet/word usr/share/app/data.txt usr/bin/hello; do
    [ -e "$TEST_TMP/root-$arch/$f" ] || fail "the $arch root lacks /$f"
  done
  expect_eq "$(cat "$TEST_TMP/root-$arch/usr/share/greet/word" 2>/dev/null)" "hello" "the kit's file in the $arch image"
  expect_eq "$(cat "$TEST_TMP/root-$arch/usr/share/greet/arch" 2>/dev/null)" "$arch" "the $arch layer in the $arch image"
done
# Both arches' layers came from the registry; the producer's store was never used.
[ -d "$TEST_TMP/consumer-cache/cas" ] || fail "the consumer's store is empty"

# A build fetches a locked kit that is not fetched (its record gone; its layers still in the store).
rm -f "build/external-kits/$(uname -m)/greet-kit.json"
run build variant dev
expect_status 0
expect_contains "kit greet-kit 1.0.0 for $(uname -m): 2 layer(s), 0 downloaded"
[ -f "build/external-kits/$(uname -m)/greet-kit.json" ] || fail "the build did not fetch the kit"

# A local package with a kit package's name is an error, unless overridden.
script_package greet-data 'mkdir -p "$OSBUILD_DESTDIR/usr/share/greet" && echo local >"$OSBUILD_DESTDIR/usr/share/greet/word"'
run build variant dev
expect_status 1
expect_contains "packages/greet-data/package.toml: package 'greet-data' is also in kit greet-kit 1.0.0"
expect_contains "override-packages = [\"greet-data\"]"
sed -i 's/^vendor = "local"$/vendor = "local"\noverride-packages = ["greet-data"]/' osbuild.toml
run build variant dev
expect_status 0
arch=$(uname -m)
layers=$(json_get '" ".join(sorted(p["digest"][7:] for p in d["packages"]))' <"build/external-kits/$arch/greet-kit.json")
expect_eq "$(json_get '[p["artifact"] for p in d["packages"] if p["name"] == "greet-data"][0] in "'"$layers"'"' <"build/.osbuild/variants/$arch/dev.json")" \
  "False" "the overridden package is the local one"
run image dev
expect_status 0
rm -rf "$TEST_TMP/root-local"
lz4 -dc "build/images/$arch-dev/1.0.0/tiny-os-dev-$arch-1.0.0-root.erofs.lz4" >"$TEST_TMP/root-local.fs"
fsck.erofs --extract="$TEST_TMP/root-local" "$TEST_TMP/root-local.fs" >/dev/null 2>&1 || fail "fsck.erofs (override)"
expect_eq "$(cat "$TEST_TMP/root-local/usr/share/greet/word" 2>/dev/null)" "local" "the local package wins"
rm -rf packages/greet-data
sed -i '/^override-packages/d' osbuild.toml

# A kit package named that no kit holds: the message says where and what to do.
sed -i 's/^requires = \["base", "greet"\]/requires = ["base", "greeter"]/' packages/app/package.toml
run build variant dev
expect_status 1
expect_contains "packages/app/package.toml"
expect_contains "unknown package 'greeter' in 'requires': not a package of this project nor of the kits greet-kit 1.0.0"
sed -i 's/"greeter"/"greet"/' packages/app/package.toml

# A layer tampered with on the registry's disk: fetch into an empty store names its digest.
greet=$(json_get '[p["digest"] for p in d["packages"] if p["name"] == "greet"][0]' <"build/external-kits/x86_64/greet-kit.json")
hex=${greet#sha256:}
data=$TEST_TMP/registry/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data
[ -f "$data" ] || fail "no blob file at $data"
# Same length, one byte flipped: the registry serves it as it is (it knows the size, not the bytes).
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0xff; open(sys.argv[1], "wb").write(b)' "$data"
export OSBUILD_CACHE_DIR=$TEST_TMP/empty-cache
run fetch --arch x86_64
expect_status 3
expect_contains "blob $greet"
expect_contains "expected $greet"
[ -e "$TEST_TMP/empty-cache/cas" ] && find "$TEST_TMP/empty-cache/cas" -type f -name "$hex" | grep -q . &&
  fail "the tampered blob reached the store"
finish
