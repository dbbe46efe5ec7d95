#!/usr/bin/env bash
# A/B under UEFI with the grubenv boot state: bank A boots a fresh disk; with bank A's images
# copied into bank B and `boot-state --try B`, bank B boots once (the kernel's dm table names
# BOOT-B's PARTUUID) and init marks it good after the selftest; a boot of B that never confirmed
# (B_ok=0, no tries left) falls back to A; with A marked bad and B good,
# B boots; a tampered bank B fails verity on its try, and the boot after that is A again.
source "$OSBUILD_TESTS/boot/boot_lib.bash"
boot_project x86_64
copy_project
disk=$(DISK)
uuid_a=$(partition BOOT A guid | tr 'A-F' 'a-f')
uuid_b=$(partition BOOT B guid | tr 'A-F' 'a-f')
# booted_bank: A or B, from the PARTUUID in the kernel's command line; empty when none.
booted_bank() {
  local line
  line=$(grep -a -m1 "Kernel command line" <<<"$console" | tr 'A-F' 'a-f')
  case "$line" in *"$uuid_a"*) echo A ;; *"$uuid_b"*) echo B ;; esac
}
for role in BOOT ROOT HASH; do
  dd if="$disk" of="$disk" bs=1M iflag=skip_bytes,count_bytes oflag=seek_bytes conv=notrunc,sparse \
    skip="$(partition $role A offset)" seek="$(partition $role B offset)" \
    count="$(partition $role A size)" status=none || fail "copy $role A to B"
done

boot --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
expect_eq "$(booted_bank)" A "a fresh disk"

run image boot-state "$disk" --try B
expect_status 0
boot --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
expect_eq "$(booted_bank)" B "after --try B"
case "$console" in *"init: bank B marked good"*) ;; *) fail "init did not mark bank B good" ;; esac
run image boot-state "$disk" --json
expect_contains '"B_tries":"0"'
expect_contains '"B_ok":"1"'

# As if that boot had hung before init confirmed it: B_ok=0 and no tries left.
run image boot-state "$disk" --set B_ok=0
expect_status 0
boot --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
expect_eq "$(booted_bank)" A "after an unconfirmed boot of B"

# Bank A marked bad and B good: B boots, and keeps booting (no tries are spent on a good bank).
run image boot-state "$disk" --set A_ok=0 --set A_tries=0 --mark-good B
expect_status 0
boot --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
expect_eq "$(booted_bank)" B "bank A marked bad"

# Bank B tampered, A good again: B's one try ends in a verity restart, and A boots next.
run image boot-state "$disk" --mark-good A --prefer A
expect_status 0
flip_byte "$disk" $(($(partition ROOT B offset) + 1024 + 8))
run image boot-state "$disk" --try B
expect_status 0
boot --persist --expect "$SELFTEST_OK" --timeout 300
expect_status 1
case "$console" in *"verity"*"corrupted"*) ;; *) fail "no verity report from bank B: $(tail -n 20 <<<"$console")" ;; esac
boot --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
expect_eq "$(booted_bank)" A "after a tampered bank B"
finish
