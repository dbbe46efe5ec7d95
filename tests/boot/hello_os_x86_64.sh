#!/usr/bin/env bash
# hello-os boots on x86_64 from its own disk under UEFI (GRUB, bank A, a dm-verity root): init
# greets with the release, runs hello-agent's selftest and powers off; the disk stays untouched.
source "$OSBUILD_TESTS/boot/boot_lib.bash"
boot_to_selftest x86_64
finish
