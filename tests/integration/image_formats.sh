#!/usr/bin/env bash
# The other settings: squashfs and ext4 roots read back with their own tools; one bank; the
# unified plan; qcow2 and vmdk that qemu-img reads.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
build_dev
P=tiny-os-dev-$ARCH-1.0.0

set_image root-filesystem '"squashfs"'
run image dev
expect_status 0
lz4 -dc "$(IMAGES)/$P-root.squashfs.lz4" >"$TEST_TMP/root.sqfs"
listing=$(unsquashfs -lls "$TEST_TMP/root.sqfs")
case "$listing" in *"root/root"*"squashfs-root/usr/bin/hello"*) ;; *) fail "unsquashfs -lls: $listing" ;; esac
case "$listing" in *"squashfs-root/usr/share/app/data.txt"*) ;; *) fail "no app data: $listing" ;; esac

set_image root-filesystem '"ext4"'
run image dev
expect_status 0
lz4 -dc "$(IMAGES)/$P-root.ext4.lz4" >"$TEST_TMP/root.ext4"
e2fsck -fn "$TEST_TMP/root.ext4" >/dev/null 2>&1 || fail "e2fsck -fn: $(e2fsck -fn "$TEST_TMP/root.ext4" 2>&1)"
debugfs -R 'ls -l /usr/bin' "$TEST_TMP/root.ext4" 2>/dev/null | grep -q hello || fail "debugfs ls"
debugfs -R 'stat /usr/bin/hello' "$TEST_TMP/root.ext4" 2>/dev/null | grep -q "User:     0   Group:     0" ||
  fail "owner: $(debugfs -R 'stat /usr/bin/hello' "$TEST_TMP/root.ext4" 2>/dev/null | head -3)"
dumpe2fs -h "$TEST_TMP/root.ext4" 2>/dev/null | grep -q "has_journal" && fail "ext4 root has a journal"

# One bank, unified plan: no B partitions, DATA on the OS disk, no data disk.
set_image root-filesystem '"erofs"'
set_image in-place-updates false
set_image partition-plan '"unified"'
run image dev
expect_status 0
disk=$(IMAGES)/$P.img
sgdisk -v "$disk" | grep -q "No problems found" || fail "sgdisk -v (one bank)"
names=$(gpt_names "$disk")
expect_eq "$names" "BIOS-BOOT EFI-SYSTEM BOTTLEROCKET-BOOT-A BOTTLEROCKET-ROOT-A BOTTLEROCKET-HASH-A BOTTLEROCKET-RESERVED-A BOTTLEROCKET-PRIVATE BOTTLEROCKET-DATA " "one bank"
expect_eq "$(stat -c %s "$disk")" $(((512 + 64) << 20)) "unified disk size"
[ ! -e "$(IMAGES)/$P-data.img" ] || fail "unified plan wrote a data disk"
expect_eq "$(image_json "d['files']['data']")" "None" "files.data"

# qcow2 and vmdk.
set_image format '"qcow2"'
run image dev
expect_status 0
info=$(qemu-img info --output=json "$(IMAGES)/$P.qcow2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format"], d["virtual-size"])')
expect_eq "$info" "qcow2 $(((512 + 64) << 20))" "qemu-img info of the qcow2"
qemu-img convert -O raw "$(IMAGES)/$P.qcow2" "$TEST_TMP/back.img"
sgdisk -v "$TEST_TMP/back.img" | grep -q "No problems found" || fail "GPT inside the qcow2"
set_image format '"vmdk"'
run image dev
expect_status 0
qemu-img info "$(IMAGES)/$P.vmdk" | grep -q "file format: vmdk" || fail "vmdk: $(qemu-img info "$(IMAGES)/$P.vmdk")"
first=$(sha256sum <"$(IMAGES)/$P.vmdk")
run image dev --force
expect_eq "$(sha256sum <"$(IMAGES)/$P.vmdk")" "$first" "vmdk made twice"
finish
