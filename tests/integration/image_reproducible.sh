#!/usr/bin/env bash
# Two images of the same inputs, each from an empty cache and an empty build folder, are
# bit-identical: every output file has the same sha256. squashfs and ext4 too.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1

digests() { (cd "$(IMAGES)" && sha256sum -- *) ; }

for fs in erofs squashfs ext4; do
  set_image root-filesystem "\"$fs\""
  rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR"
  build_dev
  run image dev
  expect_status 0
  first=$(digests)
  rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR"
  sleep 1  # a clock that leaks into the bytes now shows
  build_dev
  run image dev
  expect_status 0
  expect_contains "made image"
  expect_eq "$(digests)" "$first" "$fs: digests of two clean image builds"
  [ "$(printf '%s\n' "$first" | wc -l)" -ge 7 ] || fail "$fs: too few outputs: $first"
done
finish
