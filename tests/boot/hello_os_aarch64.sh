#!/usr/bin/env bash
# hello-os boots on aarch64 from its own disk under UEFI (GRUB, bank A, a dm-verity root): init
# greets with the release, runs hello-agent's selftest and powers off; the disk stays untouched.
source "$OSBUILD_TESTS/boot/boot_lib.bash"
boot_to_selftest aarch64
finish
