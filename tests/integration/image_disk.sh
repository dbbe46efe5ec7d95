#!/usr/bin/env bash
# `osbuild image dev` on a small project: the GPT passes sgdisk with the A/B bank structure, the
# root file system passes veritysetup verify against the root hash in image.json and lists the
# packages' files, the boot partition holds the kernel and the verity table, the update images
# equal the partitions, and a rerun does nothing.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
build_dev

run image dev
expect_status 0
expect_contains "made image tiny-os-dev-$ARCH-1.0.0"
dir=$(IMAGES)
disk=$dir/tiny-os-dev-$ARCH-1.0.0.img
for f in "" -data; do [ -f "$dir/tiny-os-dev-$ARCH-1.0.0$f.img" ] || fail "missing disk$f"; done
for f in -boot.ext4.lz4 -root.erofs.lz4 -root.verity.lz4 .spdx.json; do
  [ -f "$dir/tiny-os-dev-$ARCH-1.0.0$f" ] || fail "missing $f"
done
expect_eq "$(readlink "$PROJECT/build/images/$ARCH-dev/latest")" "1.0.0" "latest link"

# The GPT: sgdisk finds no problem and the planned partitions in order.
sgdisk -v "$disk" | grep -q "No problems found" || fail "sgdisk -v: $(sgdisk -v "$disk")"
names=$(gpt_names "$disk")
expect_eq "$names" "BIOS-BOOT EFI-SYSTEM BOTTLEROCKET-BOOT-A BOTTLEROCKET-ROOT-A BOTTLEROCKET-HASH-A BOTTLEROCKET-RESERVED-A EFI-BACKUP BOTTLEROCKET-BOOT-B BOTTLEROCKET-ROOT-B BOTTLEROCKET-HASH-B BOTTLEROCKET-RESERVED-B BOTTLEROCKET-PRIVATE BOTTLEROCKET-DATA " "partitions"
sgdisk -i 4 "$disk" | grep -q "5526016A-1A97-4EA4-B39A-B7C8C6CA4502" || fail "ROOT-A type GUID"
guid=$(image_json "[p['guid'] for p in d['partitions'] if p['name']=='BOTTLEROCKET-ROOT-A'][0]")
sgdisk -i 4 "$disk" | grep -qi "unique GUID: $guid" || fail "ROOT-A GUID differs from image.json"
sgdisk -i 2 "$disk" | grep -q "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" || fail "EFI-SYSTEM type GUID"
sgdisk -i 7 "$disk" | grep -q "B39CE39C-0A00-B4AB-2D11-F18F8237A21C" || fail "EFI-BACKUP placeholder type"
sgdisk -i 3 "$disk" | grep -q "Attribute flags: 0101000000000000" || fail "BOOT-A gptprio bits: $(sgdisk -i 3 "$disk")"
sgdisk -v "$dir/tiny-os-dev-$ARCH-1.0.0-data.img" | grep -q "No problems found" || fail "data disk GPT"
expect_eq "$(stat -c %s "$disk")" $((512 << 20)) "disk size"
expect_eq "$(stat -c %s "$dir/tiny-os-dev-$ARCH-1.0.0-data.img")" $((64 << 20)) "data disk size"

# dm-verity: the root partition checks out against the hash partition and image.json's root hash.
partition_file BOTTLEROCKET-ROOT-A "$disk" "$TEST_TMP/root.part"
partition_file BOTTLEROCKET-HASH-A "$disk" "$TEST_TMP/hash.part"
root_hash=$(image_json "d['root-hash']")
blocks=$(image_json "d['verity']['data-blocks']")
head -c $((blocks * 4096)) "$TEST_TMP/root.part" >"$TEST_TMP/root.fs"
veritysetup verify "$TEST_TMP/root.fs" "$TEST_TMP/hash.part" "$root_hash" ||
  fail "veritysetup verify against the root hash"
salt=$(image_json "d['salt']")
veritysetup format --salt "$salt" --uuid "$(image_json "d['verity']['uuid']")" \
  "$TEST_TMP/root.fs" "$TEST_TMP/theirs.verity" | grep -q "Root hash:.*$root_hash" ||
  fail "veritysetup format gives another root hash"
lz4 -dc "$dir/tiny-os-dev-$ARCH-1.0.0-root.verity.lz4" | cmp - "$TEST_TMP/theirs.verity" ||
  fail "verity update image differs from veritysetup's"
lz4 -dc "$dir/tiny-os-dev-$ARCH-1.0.0-root.erofs.lz4" | cmp - "$TEST_TMP/root.fs" ||
  fail "root update image differs from the ROOT-A partition"

# The root file system: readable, the closure's files, no build-only package, os-release.
fsck.erofs "$TEST_TMP/root.fs" >/dev/null 2>&1 || fail "fsck.erofs"
mkdir "$TEST_TMP/x"
fsck.erofs --extract="$TEST_TMP/x/root" "$TEST_TMP/root.fs" >/dev/null 2>&1 || fail "fsck.erofs --extract"
for f in usr/bin/hello etc/hostname usr/share/app/data.txt usr/lib/os-release; do
  [ -e "$TEST_TMP/x/root/$f" ] || fail "root lacks /$f"
done
[ ! -e "$TEST_TMP/x/root/usr/lib/buildonly.a" ] || fail "a build-only package is in the root"
[ ! -e "$TEST_TMP/x/root/boot/vmlinuz" ] || fail "the kernel stayed in the root"
grep -q 'VERSION_ID=1.0.0' "$TEST_TMP/x/root/usr/lib/os-release" || fail "os-release version"

# The boot partition: kernel, initrd, GRUB's configuration with the parameters then the table.
partition_file BOTTLEROCKET-BOOT-A "$disk" "$TEST_TMP/boot.part"
e2fsck -fn "$TEST_TMP/boot.part" >/dev/null 2>&1 || fail "e2fsck of the boot partition"
expect_eq "$(debugfs -R 'cat /vmlinuz' "$TEST_TMP/boot.part" 2>/dev/null)" "not really a kernel" "kernel"
grub=$(debugfs -R 'cat /grub/grub.cfg' "$TEST_TMP/boot.part" 2>/dev/null)
case "$grub" in
  *"linux (\$root)/vmlinuz $CONSOLE quiet root=/dev/dm-0 rootwait ro dm-mod.create=\"root,,,ro,0 $((blocks * 8)) verity 1 PARTUUID=\$boot_uuid/PARTNROFF=1 PARTUUID=\$boot_uuid/PARTNROFF=2 4096 4096 $blocks 1 sha256 $root_hash $salt 2 restart_on_corruption ignore_zero_blocks\""*) ;;
  *) fail "grub.cfg: $grub" ;;
esac
case "$grub" in *"initrd (\$root)/initrd.img"*) ;; *) fail "no initrd line: $grub" ;; esac
lz4 -dc "$dir/tiny-os-dev-$ARCH-1.0.0-boot.ext4.lz4" | cmp - "$TEST_TMP/boot.part" ||
  fail "boot update image differs from BOOT-A"

# image.json names what the repo stage needs.
expect_eq "$(image_json "d['files']['disk']")" "tiny-os-dev-$ARCH-1.0.0.img" "files.disk"
expect_eq "$(image_json "d['files']['root']")" "tiny-os-dev-$ARCH-1.0.0-root.erofs.lz4" "files.root"
expect_eq "$(image_json "sorted(p['name'] for p in d['packages'])")" "['app', 'base', 'kernel']" "packages"
expect_eq "$(cd "$dir" && sha256sum "$(image_json "d['files']['disk']")" | cut -d' ' -f1)" \
  "$(image_json "d['sha256'][d['files']['disk']]")" "disk digest in image.json"

run image dev
expect_status 0
expect_contains "nothing to do: image tiny-os-dev-$ARCH-1.0.0 is up to date"

rm -rf "$PROJECT/build/images"
run image dev
expect_status 0
expect_contains "restored from the cache"
sgdisk -v "$disk" | grep -q "No problems found" || fail "restored disk"

# A kernel parameter changes the key; --explain says which input.
sed -i 's/"quiet"/"quiet", "panic=1"/' "$PROJECT/variants/dev/variant.toml"
run image dev --explain
expect_status 0
expect_contains "explain: image tiny-os-dev-$ARCH-1.0.0: kernel-parameters changed"
finish
