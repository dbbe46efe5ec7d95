#!/usr/bin/env bash
# The A/B selector on the ESP under OVMF, without a kernel: the BOOT partitions' grub.cfg is
# replaced by one that prints the PARTUUID GRUB chose and halts. A new disk boots bank A; after
# `osbuild image boot-state --try B` it boots bank B once, then falls back to bank A.
source "$OSBUILD_TESTS/integration/image_lib.bash"
source "$OSBUILD_TESTS/integration/boot_lib.bash"
[ "$ARCH" = x86_64 ] || skip "the OVMF boot test runs on x86_64"
ovmf_ready || skip "qemu-system-x86_64 or OVMF is not installed"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
build_dev
run image dev
expect_status 0
cp --sparse=always "$(IMAGES)/tiny-os-dev-$ARCH-1.0.0.img" "$TEST_TMP/os.img"
disk=$TEST_TMP/os.img
marker_boot_partitions "$disk"
guid_a=$(image_json "[p['guid'] for p in d['partitions'] if p['name']=='BOTTLEROCKET-BOOT-A'][0]")
guid_b=$(image_json "[p['guid'] for p in d['partitions'] if p['name']=='BOTTLEROCKET-BOOT-B'][0]")

boot() {  # boot NAME EXPECTED-GUID
  ovmf_boot "$disk" "$TEST_TMP/$1.log"
  local status=$?
  [ "$status" = 0 ] || fail "$1: QEMU exited with $status: $(tail -c 2000 "$TEST_TMP/$1.log")"
  expect_eq "$(booted_partition "$TEST_TMP/$1.log")" "$2" "$1: the BOOT partition GRUB chose"
}

boot first "$guid_a"
run image boot-state "$disk" --try B
expect_status 0
boot try-b "$guid_b"
run image boot-state "$disk"
expect_contains "B_tries=0"
expect_contains "next boot: bank A"
boot fallback "$guid_a"
finish
