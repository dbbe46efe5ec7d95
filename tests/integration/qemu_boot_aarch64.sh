#!/usr/bin/env bash
# `osbuild qemu dev --arch aarch64` boots a real aarch64 image (its ESP holding an arm64 GRUB that
# prints a marker and halts) under AAVMF with TCG, through an overlay that leaves the image as it
# was.
source "$OSBUILD_TESTS/integration/qemu_lib.bash"
qemu_needs aarch64
qemu_image aarch64

run qemu dev --print-command
expect_status 0
expect_contains "qemu-system-aarch64 -machine virt -accel tcg -cpu max,pauth-impdef=on"
expect_contains "if=pflash,format=raw,unit=0,readonly=on,file="

boots_to_marker aarch64 180
finish
