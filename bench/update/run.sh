#!/usr/bin/env bash
# Applying an update: `osbuild image update` of hello-os 1.4.0 → 1.5.0 from a file repository
# (root.json and identity read from the disk, the TUF workflow, the three images downloaded and
# checked, written into bank B, the boot state flipped), against writing the same three images
# into the same partitions with `lz4 -d -c | dd` (the data path alone, nothing checked). Both on a
# fresh sparse copy of the 1.4.0 disk each run (hyperfine --prepare). Twice: hello-os as it is,
# whose update images are small, so osbuild's fixed costs show; and with PAYLOAD_MIB of
# incompressible data in its root, where the data path dominates. hello-os is built without its
# kernel (an update does not need one to be written).
# Usage: OSBUILD=build/osbuild bench/update/run.sh [PAYLOAD_MIB] [runs]
source "$(dirname "$0")/../lib.bash"
source "$src/tests/tools/set_version.bash"
payload_mib=${1:-160}
runs=${2:-5}
unset RELEASE_START_TIME PUBLISH_REPO
export OSBUILD_CACHE_DIR=$work/cache

# project NAME MIB: hello-os without its kernel, 1.4.0 and 1.5.0 imaged and published.
project() {
  local name=$1 mib=$2 p=$work/$1
  hello_os_without_kernel "$p"
  ln -sfn "$src/examples/lookaside" "$work/lookaside"
  if [ "$mib" -gt 0 ]; then
    mkdir -p "$p/packages/payload"
    cat >"$p/packages/payload/package.toml" <<TOML
[package]
name = "payload"
version = "1.0.0"
license = "MIT"

[build]
system = "script"
script = "build.sh"
TOML
    cat >"$p/packages/payload/build.sh" <<SH
#!/bin/sh
set -eu
mkdir -p "\$OSBUILD_DESTDIR/usr/share/payload"
# incompressible, different in each version's build
head -c $((mib * 1024 * 1024)) /dev/urandom >"\$OSBUILD_DESTDIR/usr/share/payload/blob"
SH
    chmod +x "$p/packages/payload/build.sh"
    sed -i -E 's/^included-packages = \[/included-packages = ["payload", /' "$p"/variants/dev/variant.toml
  fi
  (
    cd "$p"
    for v in 1.4.0 1.5.0; do
      if [ "$v" = 1.5.0 ]; then
        sed -i 's/#define AGENT_VERSION "0.1.0"/#define AGENT_VERSION "0.2.0"/' sources/hello-agent/hello-agent.c
        set_version "$v"
      fi
      "$OSBUILD" fetch >/dev/null
      "$OSBUILD" build variant dev --arch x86_64 >/dev/null
      "$OSBUILD" image dev --arch x86_64 >/dev/null
      local before=0
      [ -d build/repos/default ] && before=$(du -sb build/repos/default | cut -f1)
      "$OSBUILD" repo dev --arch x86_64 >/dev/null
      if [ "$v" = 1.5.0 ]; then
        local after images dir=build/images/x86_64-dev/1.5.0
        after=$(du -sb build/repos/default | cut -f1)
        images=$(cd "$dir" && du -cb $(json "image.json" "' '.join(d['files'][r] for r in ('boot','root','verity'))") | tail -n1 | cut -f1)
        echo "$name $((after - before)) $images" >>"$work/growth"
      fi
    done
  )
}

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# measure NAME: one hyperfine run of both commands; prints a row.
measure() {
  local name=$1 p=$work/$1 i14 i15 base machine dd_cmd="" role part target offset bytes
  i14=$p/build/images/x86_64-dev/1.4.0
  i15=$p/build/images/x86_64-dev/1.5.0
  base=$i14/$(json "$i14/image.json" "d['files']['disk']")
  machine=$work/machine.img
  bytes=0
  for role in boot:BOOT root:ROOT verity:HASH; do
    target=$i15/$(json "$i15/image.json" "d['files']['${role%%:*}']")
    part=${role##*:}
    offset=$(json "$i14/image.json" "[x['offset'] for x in d['partitions'] if x['name']=='BOTTLEROCKET-$part-B' and x['disk']=='os'][0]")
    dd_cmd+="lz4 -d -c $target | dd of=$machine bs=1M seek=$offset oflag=seek_bytes conv=notrunc status=none; "
    bytes=$((bytes + $(lz4 -d -c "$target" | wc -c)))
  done
  hyperfine --runs "$runs" --warmup 1 --export-json "$work/$name.json" --style none \
    --prepare "cp --sparse=always $base $machine && sync" \
    -n dd "bash -c '$dd_cmd sync'" \
    -n osbuild "$OSBUILD image update $machine --repo $p/build/repos/default --ignore-waves" >/dev/null
  local t_dd t_os
  t_dd=$(json "$work/$name.json" "[r['median'] for r in d['results'] if r['command']=='dd'][0]")
  t_os=$(json "$work/$name.json" "[r['median'] for r in d['results'] if r['command']=='osbuild'][0]")
  printf '%-22s %10.1f %12.3f %12.3f %7.2fx\n' "$name" "$(echo "$bytes / 1048576" | bc -l)" \
    "$t_dd" "$t_os" "$(echo "$t_os / $t_dd" | bc -l)"
}

project plain 0
project payload "$payload_mib"
echo "repository growth with 1.5.0 (du -sb of build/repos/default) against its three update images"
printf '%-22s %14s %14s %8s\n' project "growth bytes" "images bytes" ratio
while read -r name growth images; do
  printf '%-22s %14d %14d %7.3fx\n' "$name" "$growth" "$images" "$(echo "$growth / $images" | bc -l)"
done <"$work/growth"
echo
echo "applying 1.5.0 to a copy of the 1.4.0 disk (median of $runs runs)"
printf '%-22s %10s %12s %12s %8s\n' project "image MiB" "lz4+dd s" "osbuild s" ratio
measure plain
measure payload
