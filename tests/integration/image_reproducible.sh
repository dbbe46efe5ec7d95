#!/usr/bin/env bash
# Two images of the same inputs, each from an empty cache and an empty build folder, are
# bit-identical: every output file has the same sha256. squashfs and ext4 too.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1

digests() { (cd "$(IMAGES)" && sha256sum -- *) ; }

# what_differs FIRST SECOND: for each file that differs, where: the first differing bytes, and
# for an lz4 file whether its decompressed contents differ too (or only the compression).
what_differs() {
  local a b name
  for a in "$1"/*; do
    name=$(basename "$a") b=$2/$name
    cmp -s "$a" "$b" && continue
    echo "  $name differs: $(cmp -l "$a" "$b" 2>&1 | head -3 | tr '\n' ';')"
    if [[ $name == *.lz4 ]]; then
      if cmp -s <(lz4 -dc "$a") <(lz4 -dc "$b"); then
        echo "    decompressed, the contents are the same"
      else
        echo "    decompressed: $(cmp -l <(lz4 -dc "$a") <(lz4 -dc "$b") 2>&1 | head -3 | tr '\n' ';')"
      fi
    fi
  done
}

for fs in erofs squashfs ext4; do
  set_image root-filesystem "\"$fs\""
  rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR" "$TEST_TMP/first"
  build_dev
  run image dev
  expect_status 0
  first=$(digests)
  cp -a --sparse=always "$(IMAGES)" "$TEST_TMP/first"
  rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR"
  sleep 1  # a clock that leaks into the bytes now shows
  build_dev
  run image dev
  expect_status 0
  expect_contains "made image"
  if [ "$(digests)" != "$first" ]; then
    echo "$fs: what differs between the two builds:"
    what_differs "$TEST_TMP/first" "$(IMAGES)"
  fi
  expect_eq "$(digests)" "$first" "$fs: digests of two clean image builds"
  [ "$(printf '%s\n' "$first" | wc -l)" -ge 7 ] || fail "$fs: too few outputs: $first"
done
finish
