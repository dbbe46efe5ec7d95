# Shared by tests/integration/qemu_*.sh (sourced; not a test itself: it has no .sh suffix).
# A real image from `osbuild image`, whose EFI system partition is then given a FAT file system
# holding a GRUB that prints a marker and halts: enough to boot it under UEFI in QEMU without a
# kernel.
source "$OSBUILD_TESTS/integration/image_lib.bash"
MARKER="osbuild-qemu-test: grub ran"

# qemu_needs ARCH: skips the test when a tool for booting ARCH is missing.
qemu_needs() {
  local qemu=qemu-system-x86_64 grubdir=/usr/lib/grub/x86_64-efi
  [ "$1" = aarch64 ] && qemu=qemu-system-aarch64 grubdir=/usr/lib/grub/arm64-efi
  for tool in "$qemu" qemu-img grub-mkimage mkfs.fat mmd mcopy sgdisk; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
  done
  [ -d "$grubdir" ] || skip "$grubdir is missing (GRUB's EFI modules for $1)"
}

# qemu_image ARCH: the project in $TEST_TMP/p, built and imaged for ARCH, its ESP replaced.
qemu_image() {
  ARCH=$1
  export BUILDSYS_ARCH=$1
  image_project "$TEST_TMP/p"
  cd "$PROJECT" || exit 1
  build_dev
  run image dev
  [ "$status" = 0 ] || { echo "image failed: $out"; exit 1; }
  DISK=$(IMAGES)/$(image_json "d['files']['disk']")
  put_grub_esp "$1" "$DISK"
}

# put_grub_esp ARCH DISK: a FAT ESP with \EFI\BOOT\BOOT{X64,AA64}.EFI and a grub.cfg that echoes
# $MARKER and halts, written over the disk's EFI-SYSTEM partition.
put_grub_esp() {
  local format=x86_64-efi grubdir=/usr/lib/grub/x86_64-efi loader=BOOTX64.EFI
  [ "$1" = aarch64 ] && format=arm64-efi grubdir=/usr/lib/grub/arm64-efi loader=BOOTAA64.EFI
  local offset size esp=$TEST_TMP/esp.fat
  offset=$(image_json "[p['offset'] for p in d['partitions'] if p['name']=='EFI-SYSTEM'][0]")
  size=$(image_json "[p['size'] for p in d['partitions'] if p['name']=='EFI-SYSTEM'][0]")
  grub-mkimage -d "$grubdir" -O "$format" -p /EFI/BOOT -o "$TEST_TMP/$loader" \
    configfile echo normal halt reboot sleep part_gpt fat || { echo "grub-mkimage failed"; exit 1; }
  printf 'set timeout=0\necho "%s"\nhalt\n' "$MARKER" >"$TEST_TMP/grub.cfg"
  rm -f "$esp"
  mkfs.fat -C "$esp" $((size / 1024)) >/dev/null || { echo "mkfs.fat failed"; exit 1; }
  mmd -i "$esp" ::/EFI ::/EFI/BOOT
  mcopy -i "$esp" "$TEST_TMP/$loader" "$TEST_TMP/grub.cfg" ::/EFI/BOOT/
  dd if="$esp" of="$2" bs=1M oflag=seek_bytes seek="$offset" conv=notrunc,sparse status=none
}

# seconds_since START: whole seconds since a `date +%s` value.
seconds_since() { echo $(($(date +%s) - $1)); }

# boots_to_marker ARCH TIMEOUT: `osbuild qemu dev --expect $MARKER` exits 0 once the marker has
# appeared and the guest powered off, and the disk is as it was (the boot went to an overlay).
boots_to_marker() {
  local before start
  before=$(sha256sum "$DISK" | cut -d' ' -f1)
  start=$(date +%s)
  run qemu dev --expect "$MARKER" --timeout "$2"
  expect_status 0
  expect_contains "osbuild: '$MARKER' appeared after"
  echo "$1: $(printf '%s\n' "$out" | grep "appeared after") (wall clock $(seconds_since "$start") s)"
  expect_eq "$(sha256sum "$DISK" | cut -d' ' -f1)" "$before" "the disk after a boot through the overlay"
}
