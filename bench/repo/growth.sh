#!/usr/bin/env bash
# How much a version adds to a repository, and what --disk-image costs. A copy of
# examples/hello-os gets two versions of images shaped like the image stage's (update images of
# random bytes, as lz4 leaves them; a sparse 512 MiB disk and a sparse 256 MiB data image); each is
# published, and the script prints targets/'s growth per version against the size of that
# version's update images + manifest (goal: at most 1.05x), then the time of
# `osbuild repo --disk-image` against `lz4 -c` of the same disk and data images in the same script
# (the baseline: the compression it cannot avoid). Prints figures; never fails on time.
#
#   OSBUILD=build/osbuild bench/repo/growth.sh [UPDATE_MIB=10] [RUNS=3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
OSBUILD=$(realpath "${OSBUILD:-$src/build/osbuild}")
update_mib=${1:-10}
runs=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-bench-growth.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset RELEASE_START_TIME PUBLISH_REPO OSBUILD_TEST_PAUSE_AT OSBUILD_PUBLISH_DISK_IMAGE

cp -a "$src/examples/hello-os" "$work/p"
cd "$work/p"
rm -rf build keys roles
T=build/repos/default/targets

# sparse FILE MIB: a sparse image with the update images' bytes written at a few offsets.
sparse() {
  truncate -s "${2}M" "$1"
  local off=1
  for f in "${@:3}"; do
    dd if="$f" of="$1" bs=1M seek=$off conv=notrunc status=none
    off=$((off + 64))
  done
}
# image VERSION: the update images (UPDATE_MIB in all), a disk and a data image, image.json.
image() {
  local dir=build/images/x86_64-dev/$1 p=hello-os-dev-x86_64-$1 kib=$((update_mib * 1024))
  mkdir -p "$dir"
  head -c $((kib / 5 * 1024)) /dev/urandom >"$dir/$p-boot.ext4.lz4"
  head -c $((kib * 3 / 4 * 1024)) /dev/urandom >"$dir/$p-root.erofs.lz4"
  head -c $((kib / 20 * 1024)) /dev/urandom >"$dir/$p-root.verity.lz4"
  sparse "$dir/$p.img" 512 "$dir"/$p-*.lz4
  sparse "$dir/$p-data.img" 256
  cat >"$dir/image.json" <<JSON
{"name": "hello-os", "variant": "dev", "arch": "x86_64", "version": "$1",
 "files": {"disk": "$p.img", "data": "$p-data.img", "boot": "$p-boot.ext4.lz4",
           "root": "$p-root.erofs.lz4", "verity": "$p-root.verity.lz4"}}
JSON
}
source "$src/tests/tools/set_version.bash"
now() { date +%s.%N; }
best() { sort -n | head -n1; }
size() { du -sb "$@" | cut -f1; }
sum() { awk '{s += $1} END {print s + 0}'; }
updates_of() { stat -c %s build/images/x86_64-dev/"$1"/*.lz4 | sum; }

v1=$(sed -n 's/^version = "\(.*\)"/\1/p' Release.toml)
image "$v1"
"$OSBUILD" -q repo dev --arch x86_64 >/dev/null 2>"$work/setup.log"
image_dir_disk=$(du -s --block-size=1 "build/images/x86_64-dev/$v1" | cut -f1)
first=$(size "$T")

# Version 2, default publish: growth against its update images and manifest.
set_version 9.9.0
image 9.9.0
ls "$T" | sort >"$work/before"
t0=$(now)
cat build/images/x86_64-dev/9.9.0/*.lz4 | lz4 -q -c >"$work/updates.lz4"
updates_lz4_t=$(echo "$(now) - $t0" | bc)
t0=$(now)
"$OSBUILD" -q repo dev --arch x86_64 >/dev/null
publish_t=$(echo "$(now) - $t0" | bc)
second=$(size "$T")
manifest=$(ls "$T" | sort | comm -13 "$work/before" - | grep 'manifest.json$' | sed "s|^|$T/|")
own=$(($(updates_of 9.9.0) + $(stat -c %s $manifest)))
growth=$((second - first))

# --disk-image on version 2 (--force), best of RUNS, against lz4 -c of the same two images.
img=build/images/x86_64-dev/9.9.0/hello-os-dev-x86_64-9.9.0
lz4_times=()
disk_times=()
for r in $(seq 1 "$runs"); do
  t0=$(now)
  lz4 -q -c "$img.img" >"$work/disk.lz4"
  lz4 -q -c "$img-data.img" >"$work/data.lz4"
  t1=$(now)
  "$OSBUILD" -q repo dev --arch x86_64 --disk-image --force >/dev/null
  t2=$(now)
  lz4_times+=("$(echo "$t1 - $t0" | bc)")
  disk_times+=("$(echo "$t2 - $t1" | bc)")
done
l=$(printf '%s\n' "${lz4_times[@]}" | best)
d=$(printf '%s\n' "${disk_times[@]}" | best)
compressed=$(stat -c %s "$work/disk.lz4" "$work/data.lz4" | sum)
with_disk=$(size "$T")

ratio=$(echo "scale=3; $growth / $own" | bc)
printf 'image folder          %.1f MiB on disk (%.1f MiB of update images; 768 MiB disk + data, sparse)\n' \
  "$(echo "$image_dir_disk / 1048576" | bc -l)" "$(echo "$(updates_of "$v1") / 1048576" | bc -l)"
printf 'first version         targets/ %.2f MiB\n' "$(echo "$first / 1048576" | bc -l)"
printf 'second version        +%d bytes for %d bytes of update images + manifest: %sx (goal <= 1.05x: %s)\n' \
  "$growth" "$own" "$ratio" "$([ "$(echo "$ratio <= 1.05" | bc)" = 1 ] && echo met || echo NOT met)"
printf 'osbuild repo          %.3f s (default publish of the second version); lz4 -c of its update images %.3f s: %sx\n' \
  "$publish_t" "$updates_lz4_t" "$(echo "scale=2; $publish_t / $updates_lz4_t" | bc)"
printf 'lz4 -c disk + data    %.3f s (best of %d) -> %.2f MiB\n' "$l" "$runs" \
  "$(echo "$compressed / 1048576" | bc -l)"
printf 'repo --disk-image     %.3f s (best of %d; all: %s): %sx lz4 -c\n' "$d" "$runs" \
  "${disk_times[*]}" "$(echo "scale=2; $d / $l" | bc)"
printf 'with --disk-image     targets/ +%.2f MiB\n' "$(echo "($with_disk - $second) / 1048576" | bc -l)"
