#!/usr/bin/env bash
# Adding one image to a TUF repository that already holds 1,000 targets, against `sha256sum` of
# the new image files in the same script (goal: within 1.5x + 200 ms). Prints figures; never fails
# on time.
#
#   OSBUILD=build/osbuild bench/repo/run.sh [TARGETS=1000] [IMAGE_MIB=64] [RUNS=5]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
OSBUILD=$(realpath "${OSBUILD:-$src/build/osbuild}")
targets=${1:-1000}
image_mib=${2:-64}
runs=${3:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-bench-repo.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset RELEASE_START_TIME PUBLISH_REPO OSBUILD_TEST_PAUSE_AT

cp -a "$src/examples/hello-os" "$work/p"
cd "$work/p"
rm -rf build keys roles migrations
mkdir migrations

# image VERSION MIB: the update images, a disk image and image.json, MIB in all.
image() {
  local dir=build/images/x86_64-dev/$1 prefix=hello-os-dev-x86_64-$1 q=$(($2 / 8))
  mkdir -p "$dir"
  head -c $((q * 1024 * 1024)) /dev/urandom >"$dir/$prefix-boot.ext4.lz4"
  head -c $((q * 4 * 1024 * 1024)) /dev/urandom >"$dir/$prefix-root.erofs.lz4"
  head -c $((q * 1024 * 1024 / 8)) /dev/urandom >"$dir/$prefix-root.verity.lz4"
  head -c $((q * 3 * 1024 * 1024)) /dev/urandom >"$dir/$prefix.img"
  cat >"$dir/image.json" <<JSON
{"name": "hello-os", "variant": "dev", "arch": "x86_64", "version": "$1",
 "files": {"disk": "$prefix.img", "data": null, "boot": "$prefix-boot.ext4.lz4",
           "root": "$prefix-root.erofs.lz4", "verity": "$prefix-root.verity.lz4"}}
JSON
}

# The existing repository: version 1.0.0 with (TARGETS - 5) migrations of 4 KiB, its 4 images and
# manifest.json.
n=$((targets - 5))
{
  echo 'version = "1.0.0"'
  echo '[migrations]'
  printf '"(0.9.0, 1.0.0)" = ['
  for i in $(seq 1 "$n"); do
    head -c 4096 /dev/urandom >"migrations/migrate_v1.0.0_m$i.lz4"
    printf '"migrate_v1.0.0_m%d.lz4",' "$i"
  done
  echo ']'
} >Release.toml
sed -i 's/^release-version = .*/release-version = "1.0.0"/' osbuild.toml
image 1.0.0 8
"$OSBUILD" -q repo dev --arch x86_64 >/dev/null 2>"$work/setup.log"
existing=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signed"]["targets"]))' \
  build/repos/default/metadata/dev/x86_64/1.targets.json)

now() { date +%s.%N; }
best() { sort -n | head -n1; }
publish_times=()
hash_times=()
previous=1.0.0
# Each run adds a new version with new image bytes, so every run writes and fsyncs its targets.
for r in $(seq 1 "$runs"); do
  version=1.$r.0
  echo "\"($previous, $version)\" = []" >>Release.toml
  sed -i "s/^version = .*/version = \"$version\"/" Release.toml
  sed -i "s/^release-version = .*/release-version = \"$version\"/" osbuild.toml
  previous=$version
  image "$version" "$image_mib"
  new_files=(build/images/x86_64-dev/$version/hello-*)
  new_bytes=$(cat "${new_files[@]}" | wc -c)
  t0=$(now)
  sha256sum "${new_files[@]}" >/dev/null
  t1=$(now)
  "$OSBUILD" -q repo dev --arch x86_64 >/dev/null
  t2=$(now)
  hash_times+=("$(echo "$t1 - $t0" | bc)")
  publish_times+=("$(echo "$t2 - $t1" | bc)")
done
validate_t0=$(now)
"$OSBUILD" repo validate dev --arch x86_64 --no-targets >/dev/null
validate_t=$(echo "$(now) - $validate_t0" | bc)

h=$(printf '%s\n' "${hash_times[@]}" | best)
p=$(printf '%s\n' "${publish_times[@]}" | best)
ratio=$(echo "scale=2; $p / $h" | bc)
goal=$(echo "scale=3; 1.5 * $h + 0.2" | bc)
met=$(echo "$p <= $goal" | bc)
printf 'repository          %d targets before the first run, %d new files (%d MiB) per run\n' \
  "$existing" "${#new_files[@]}" $((new_bytes / 1048576))
printf 'sha256sum new files %.3f s (best of %d)\n' "$h" "$runs"
printf 'osbuild repo        %.3f s (best of %d; all: %s)\n' "$p" "$runs" "${publish_times[*]}"
printf 'ratio               %sx sha256sum; goal <= 1.5x + 200 ms = %.3f s: %s\n' "$ratio" "$goal" \
  "$([ "$met" = 1 ] && echo met || echo NOT met)"
printf 'repo validate       %.3f s (metadata of %d targets, no downloads)\n' "$validate_t" \
  "$((existing + 4 * runs))"
