#!/usr/bin/env bash
# `osbuild qemu dev --arch aarch64` boots a real aarch64 image (its ESP holding an arm64 GRUB that
# prints a marker and halts) under AAVMF with TCG, through an overlay that leaves the image as it
# was.
source "$OSBUILD_TESTS/integration/qemu_lib.bash"
qemu_needs aarch64
qemu_image aarch64
before=$(sha256sum "$DISK" | cut -d' ' -f1)

run qemu dev --print-command
expect_status 0
expect_contains "qemu-system-aarch64 -machine virt -accel tcg -cpu max,pauth-impdef=on"
expect_contains "if=pflash,format=raw,unit=0,readonly=on,file="

start=$(date +%s)
run qemu dev --expect "$MARKER" --timeout 180
expect_status 0
expect_contains "osbuild: '$MARKER' appeared after"
echo "aarch64: $(printf '%s\n' "$out" | grep "appeared after") (wall clock $(seconds_since "$start") s)"
expect_eq "$(sha256sum "$DISK" | cut -d' ' -f1)" "$before" "the disk after a boot through the overlay"
finish
