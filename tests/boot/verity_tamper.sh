#!/usr/bin/env bash
# One byte flipped in a block of ROOT-A that boot reads (the erofs superblock): dm-verity reports
# the corruption, init never runs, and the machine restarts (QEMU exits: -no-reboot).
source "$OSBUILD_TESTS/boot/boot_lib.bash"
boot_project x86_64
copy_project
root=$(partition ROOT A offset)
flip_byte "$(DISK)" $((root + 1024 + 8))
boot --expect "$SELFTEST_OK" --timeout 300
expect_status 1
case "$console" in *"verity"*"corrupted"*) ;;
  *) fail "no verity corruption report: $(tail -n 30 <<<"$console")" ;; esac
case "$console" in *"$GREETING"*) fail "init ran on a tampered root" ;; esac
finish
