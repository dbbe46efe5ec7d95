#!/usr/bin/env bash
# The boot tests' fixture: examples/hello-os, kernel included, built and imaged for x86_64 and
# aarch64 into $OSBUILD_BOOT_DIR/hello-os, with the shared cache (a warm cache makes this a matter
# of seconds; a cold one builds two kernels). Skips when the lookaside cannot be filled.
source "$OSBUILD_TESTS/integration/lib.bash"
: "${OSBUILD_BOOT_DIR:?set OSBUILD_BOOT_DIR}" "${OSBUILD_TEST_SHARED_CACHE:?set OSBUILD_TEST_SHARED_CACHE}"
export OSBUILD_CACHE_DIR=$OSBUILD_TEST_SHARED_CACHE
"$OSBUILD_SOURCE_DIR/examples/fill-lookaside.sh" >"$TEST_TMP/fill.log" 2>&1 ||
  skip "the lookaside cannot be filled (apt sources unreachable?): $(tail -n 3 "$TEST_TMP/fill.log")"
rm -rf "$OSBUILD_BOOT_DIR"
mkdir -p "$OSBUILD_BOOT_DIR"
cp -a "$OSBUILD_SOURCE_DIR/examples/hello-os" "$OSBUILD_BOOT_DIR/hello-os"
rm -rf "$OSBUILD_BOOT_DIR/hello-os/build"
ln -s "$OSBUILD_SOURCE_DIR/examples/lookaside" "$OSBUILD_BOOT_DIR/lookaside"
cd "$OSBUILD_BOOT_DIR/hello-os" || exit 1
run fetch
[ "$status" = 0 ] || { echo "fetch failed: $out"; exit 1; }
for arch in x86_64 aarch64; do
  start=$SECONDS
  run build variant dev --arch "$arch"
  [ "$status" = 0 ] || { echo "build for $arch failed: $out"; exit 1; }
  run image dev --arch "$arch"
  [ "$status" = 0 ] || { echo "image for $arch failed: $out"; exit 1; }
  echo "hello-os $arch: built and imaged in $((SECONDS - start)) s"
done
finish
