#!/usr/bin/env bash
# The EFI system partition of `osbuild image`: GRUB for the arch, the A/B selector with the plan's
# partition numbers and the 1024-byte boot-state record, read through mtools; EFI-BACKUP stays
# unformatted. `osbuild image boot-state` reads the record, changes it in place (the file stays
# 1024 bytes, every other byte of the disk stays as it was) and refuses what GRUB could not use.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
build_dev
run image dev
expect_status 0
disk=$(IMAGES)/tiny-os-dev-$ARCH-1.0.0.img
efi=$([ "$ARCH" = x86_64 ] && echo BOOTX64.EFI || echo BOOTAA64.EFI)

esp_offset=$(image_json "[p['offset'] for p in d['partitions'] if p['name']=='EFI-SYSTEM'][0]")
esp="$disk@@$esp_offset"
export MTOOLS_SKIP_CHECK=1
listing=$(mdir -b -i "$esp" ::/EFI/BOOT) || fail "mdir of the ESP"
for f in "$efi" grub.cfg grubenv; do
  case "$listing" in *"/EFI/BOOT/$f"*) ;; *) fail "the ESP lacks /EFI/BOOT/$f: $listing" ;; esac
done
mtype -i "$esp" "::/EFI/BOOT/$efi" >"$TEST_TMP/boot.efi"
head -c 2 "$TEST_TMP/boot.efi" | grep -q MZ || fail "$efi is no PE image"
selector=$(mtype -i "$esp" ::/EFI/BOOT/grub.cfg)
for line in 'set envfile="($disk,gpt2)/EFI/BOOT/grubenv"' 'set root="($disk,gpt3)"' \
  'set root="($disk,gpt8)"' 'load_env --file "$envfile" boot_order A_ok A_tries B_ok B_tries' \
  'configfile /grub/grub.cfg'; do
  case "$selector" in *"$line"*) ;; *) fail "the selector lacks: $line" ;; esac
done
mtype -i "$esp" ::/EFI/BOOT/grubenv >"$TEST_TMP/grubenv"
expect_eq "$(stat -c %s "$TEST_TMP/grubenv")" 1024 "grubenv size"
expect_eq "$(grep -v '^#' "$TEST_TMP/grubenv" | tr '\n' ' ')" "A_ok=1 A_tries=0 B_ok=0 B_tries=0 boot_order=A B " "initial record"
expect_eq "$(grub-editenv "$TEST_TMP/grubenv" list | tr '\n' ' ')" \
  "A_ok=1 A_tries=0 B_ok=0 B_tries=0 boot_order=A B " "grub-editenv reads the record"
partition_file EFI-BACKUP "$disk" "$TEST_TMP/backup.part"
expect_eq "$(tr -d '\0' <"$TEST_TMP/backup.part" | wc -c)" 0 "EFI-BACKUP is unformatted"

run image boot-state "$disk"
expect_status 0
expect_contains "boot_order=A B"
expect_contains "next boot: bank A"

# --try B: B first with one try; only the grubenv clusters of the disk change.
outside() {  # the disk's sha256 with the grubenv file's bytes zeroed
  cp --sparse=always "$disk" "$TEST_TMP/outside.img"
  local offset
  offset=$(python3 - "$disk" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
block = b"# GRUB Environment Block\nA_ok="  # GRUB's loadenv module holds the first line too
i = d.find(block)
assert i > 0 and d.find(block, i + 1) < 0
print(i)
PY
)
  dd if=/dev/zero of="$TEST_TMP/outside.img" bs=1 seek="$offset" count=1024 conv=notrunc status=none
  sha256sum <"$TEST_TMP/outside.img" | cut -d' ' -f1
}
before=$(outside)
run image boot-state "$disk" --try B --json
expect_status 0
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); g=d["grubenv"]; print(g["boot_order"], g["B_ok"], g["B_tries"], d["next"])')" "B A 0 1 B" "--try B"
expect_eq "$(outside)" "$before" "the disk outside grubenv"
expect_eq "$(mtype -i "$esp" ::/EFI/BOOT/grubenv | wc -c)" 1024 "grubenv size after a change"
mtype -i "$esp" ::/EFI/BOOT/grubenv >"$TEST_TMP/grubenv"
expect_eq "$(grub-editenv "$TEST_TMP/grubenv" list | grep boot_order)" "boot_order=B A" "GRUB's view"
sgdisk -v "$disk" | grep -q "No problems found" || fail "the GPT after a change"
partition_file EFI-SYSTEM "$disk" "$TEST_TMP/esp.part"
fsck.fat -n "$TEST_TMP/esp.part" >/dev/null || fail "fsck.fat of the ESP after a change"

run image boot-state "$disk" --mark-good B --set B_tries=0 --prefer A
expect_status 0
expect_contains "boot_order=A B"
expect_contains "B_ok=1"

# What the selector could not count down, or keys it does not read, are refused.
run image boot-state "$disk" --set A_tries=7
expect_status 2
expect_contains "A_tries = \"7\": expected 0, 1, 2 or 3"
run image boot-state "$disk" --set C_ok=1
expect_status 2
expect_contains "no boot-state key C_ok"
run image boot-state "$disk" --set "boot_order=A A"
expect_status 2
run image boot-state "$disk" --try C
expect_status 2
expect_contains "no bank C"
run image boot-state "$(IMAGES)/image.json"
expect_status 1
expect_contains "is not a raw disk image with a GPT"
finish
