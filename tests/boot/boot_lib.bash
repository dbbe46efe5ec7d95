# Shared by the boot tests (sourced; not a test itself). The `boot.images` fixture (images.bash)
# has built and imaged examples/hello-os for x86_64 and aarch64 in $OSBUILD_BOOT_DIR/hello-os, with
# the shared cache $OSBUILD_TEST_SHARED_CACHE; a test boots those images, or a copy it changes.
source "$OSBUILD_TESTS/integration/lib.bash"
: "${OSBUILD_BOOT_DIR:?set OSBUILD_BOOT_DIR}" "${OSBUILD_TEST_SHARED_CACHE:?set OSBUILD_TEST_SHARED_CACHE}"
export OSBUILD_CACHE_DIR=$OSBUILD_TEST_SHARED_CACHE
VERSION=1.4.0
GREETING="Welcome to hello-os"  # init's, not GRUB's "Welcome to GRUB!"
SELFTEST_OK="init: hello-agent exited with 0"

# boot_project ARCH: skips unless the fixture imaged ARCH; sets ARCH and PROJECT (the fixture's).
boot_project() {
  ARCH=$1
  PROJECT=$OSBUILD_BOOT_DIR/hello-os
  [ -f "$(IMAGES)/image.json" ] || skip "no hello-os image for $ARCH (see the boot.images fixture's output)"
}

# copy_project: a private copy of the fixture's project in $TEST_TMP (disks copied sparse), which
# then becomes PROJECT: for tests that change a disk.
copy_project() {
  local copy=$TEST_TMP/hello-os entry
  mkdir -p "$copy/build"
  for entry in "$PROJECT"/* "$PROJECT"/.[!.]*; do
    [ -e "$entry" ] && [ "$(basename "$entry")" != build ] && cp -a "$entry" "$copy/"
  done
  # What `osbuild qemu` reads: the images and the records; not the work dirs or package trees.
  cp -a --sparse=always "$PROJECT/build/images" "$PROJECT/build/.osbuild" "$copy/build/"
  PROJECT=$copy
}

IMAGES() { echo "$PROJECT/build/images/$ARCH-dev/$VERSION"; }
image_json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$(IMAGES)/image.json"; }
DISK() { echo "$(IMAGES)/$(image_json "d['files']['disk']")"; }
# partition ROLE BANK FIELD: offset, size or guid of a partition of the OS disk (BOOT A offset …).
partition() {
  image_json "[p['$3'] for p in d['partitions'] if p['name']=='BOTTLEROCKET-$1-$2' and p['disk']=='os'][0]"
}

# boot ARGS...: `osbuild qemu dev --arch $ARCH ARGS...` in $PROJECT; $out, $status and $console
# (the console log) after it.
boot() {
  run -C "$PROJECT" qemu dev --arch "$ARCH" "$@"
  console=$(cat "$PROJECT/build/logs/$ARCH/qemu-dev.log" 2>/dev/null)
}

# flip_byte FILE OFFSET: inverts one byte in place.
flip_byte() {
  python3 - "$1" "$2" <<'PY'
import sys
path, offset = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(offset); b = f.read(1); f.seek(offset); f.write(bytes([b[0] ^ 0xFF]))
PY
}

# boot_to_selftest ARCH: the fixture's image for ARCH boots under UEFI to init's greeting with the
# release and hello-agent's selftest, the kernel shows its dm-verity command line, the guest
# powers off, and the disk stays untouched (the boot ran on an overlay).
boot_to_selftest() {
  boot_project "$1"
  local before start=$SECONDS
  before=$(sha256sum <"$(DISK)")
  boot --expect "$SELFTEST_OK" --timeout 600
  expect_status 0
  echo "$1: booted to the selftest in $((SECONDS - start)) s"
  case "$console" in *"$GREETING"*"$VERSION"*) ;;
    *) fail "no greeting with the version: $(tail -n 20 <<<"$console")" ;; esac
  case "$console" in *"root=/dev/dm-0"*"dm-mod.create="*) ;;
    *) fail "the kernel did not show its dm-verity command line" ;; esac
  expect_eq "$(sha256sum <"$(DISK)")" "$before" "the disk after a boot"
}
