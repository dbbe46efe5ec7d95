#!/usr/bin/env bash
# What `osbuild repo` puts in targets/, as pubsys does: the update images, the migrations and
# manifest.json; the disk and data images only with --disk-image, lz4-compressed without a dense
# copy; and a second version adds only its own bytes, the first version's files left untouched
# and none shared with the image folder by a hard link.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
repo_project
T=$REPO_OUT/targets

# sparse_disk FILE MIB: a sparse disk image with a few random extents, as the image stage writes.
sparse_disk() {
  rm -f "$1"
  truncate -s "${2}M" "$1"
  for off in 0 1 17 200; do
    head -c 65536 /dev/urandom | dd of="$1" bs=65536 seek="$off" conv=notrunc status=none
  done
}
# with_data VERSION: the split plan's data image beside the disk image, named in image.json.
with_data() {
  local dir=build/images/$ARCH-dev/$1 p=hello-os-dev-$ARCH-$1
  sparse_disk "$dir/$p.img" 512
  sparse_disk "$dir/$p-data.img" 256
  python3 - "$dir/image.json" "$p-data.img" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["files"]["data"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"))
PY
}
sum() { awk '{s += $1} END {print s + 0}'; }
largest() { find "$@" -type f -printf '%s\n' | sort -n | tail -n 1; }
updates_of() { ls "build/images/$ARCH-dev/$1"/*-{boot.ext4,root.erofs,root.verity}.lz4; }
with_data 1.4.0
# Waves start at the release start: fixed, so that a manifest changes only when its content does.
export RELEASE_START_TIME=$(date -u -d '+1 day' +%Y-%m-%d)T00:00:00Z

# Default: no disk or data target, nothing bigger than the largest update image.
run repo dev --arch $ARCH
expect_status 0
expect_contains "version   1.4.0, 6 targets written"
[ -z "$(find "$T" -name '*.img*')" ] || fail "a disk image target without --disk-image: $(ls "$T")"
biggest_update=$(largest $(updates_of 1.4.0))
[ "$(largest "$T")" -le "$biggest_update" ] ||
  fail "targets/ holds a file of $(largest "$T") bytes, the largest update image is $biggest_update"
first=$(cd "$T" && stat -c '%n %i %Y' -- * | sort)

# A second version adds its update images and manifest, within 5% of their size; the first
# version's targets are not rewritten (same inode, same mtime).
set_version 1.5.0
fake_image 1.5.0 512
with_data 1.5.0
before=$(du -sb "$T" | cut -f1)
ls "$T" | sort >"$TEST_TMP/before"
run repo dev --arch $ARCH
expect_status 0
expect_contains "version   1.5.0, 4 targets written"
after=$(du -sb "$T" | cut -f1)
new_files=$(ls "$T" | sort | comm -13 "$TEST_TMP/before" -)
expect_eq "$(printf '%s\n' "$new_files" | wc -l)" 4 "new files in targets/: $new_files"
own=$(cd "$T" && stat -c %s $new_files | sum)
updates=$(stat -c %s $(updates_of 1.5.0) | sum)
[ "$own" -ge "$updates" ] || fail "the new targets ($own bytes) are smaller than the update images"
python3 -c "import sys; g, o = $after - $before, $own; sys.exit(0 if g <= 1.05 * o else 1)" ||
  fail "targets/ grew by $((after - before)) bytes for $own bytes of new targets"
expect_eq "$(cd "$T" && stat -c '%n %i %Y' -- $(cut -d' ' -f1 <<<"$first") | sort)" "$first" \
  "the first version's targets are untouched"
boot=$(ls "$T"/*.hello-os-dev-$ARCH-1.5.0-boot.ext4.lz4)
src=build/images/$ARCH-dev/1.5.0/hello-os-dev-$ARCH-1.5.0-boot.ext4.lz4
cmp -s "$boot" "$src" || fail "the boot target differs from $src"
[ "$(stat -c %i "$boot")" != "$(stat -c %i "$src")" ] || fail "the boot target is a hard link to $src"

# --disk-image: the disk and data images as lz4 frames that `lz4 -d` turns back into them.
export RELEASE_START_TIME=$(date -u -d '+2 days' +%Y-%m-%d)T00:00:00Z
run repo dev --arch $ARCH --disk-image --force
expect_status 0
expect_contains "version   1.5.0, 3 targets written"
p=hello-os-dev-$ARCH-1.5.0
image=build/images/$ARCH-dev/1.5.0
for f in "$p.img" "$p-data.img"; do
  target=$(ls "$T"/*."$f.lz4" 2>/dev/null)
  [ -n "$target" ] || { fail "no $f.lz4 target: $(ls "$T")"; continue; }
  expect_eq "$(lz4 -dc "$target" | sha256sum | cut -d' ' -f1)" \
    "$(sha256sum <"$image/$f" | cut -d' ' -f1)" "lz4 -d of the $f target"
  [ "$(stat -c %s "$target")" -lt $((8 * 1024 * 1024)) ] ||
    fail "$f.lz4 is $(stat -c %s "$target") bytes for a sparse image"
done
# The same bytes again write nothing; the setting's variable asks for the same.
OSBUILD_PUBLISH_DISK_IMAGE=true run repo dev --arch $ARCH --force
expect_status 0
expect_contains "version   1.5.0, 0 targets written"

serve "$REPO_OUT"
tuf_client fresh roles/default.root.json \
  --expect "$p.img.lz4=$(ls "$T"/*."$p.img.lz4")" --expect "$p-root.erofs.lz4=$image/$p-root.erofs.lz4"
expect_status 0
expect_contains "\"name\":\"$p-data.img.lz4\""
finish
