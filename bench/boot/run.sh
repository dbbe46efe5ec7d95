#!/usr/bin/env bash
# Boot time of hello-os under TCG, per arch: `osbuild qemu dev --expect` from start to the
# selftest line and power-off, against the same QEMU command line run by hand on the raw disk
# (`-snapshot` instead of osbuild's overlay, the console piped to grep): the ratio is what osbuild's
# runner adds (overlay, firmware copy, console watching). Then the kernel package's build time
# from the cache (a no-op build after the build record and the no-op stamp are removed).
# Needs a project whose images exist: by default the boot tests' fixture
# (build/tests/boot/hello-os, made by `ctest -R boot.images`).
# Usage: OSBUILD=build/osbuild bench/boot/run.sh [PROJECT] [repetitions]
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
here=$(cd "$(dirname "$0")" && pwd)
project=$(realpath "${1:-$here/../../build/tests/boot/hello-os}")
reps=${2:-3}
marker="init: hello-agent exited with 0"
: "${OSBUILD_CACHE_DIR:=${HOME}/.cache/osbuild-test-shared}"
export OSBUILD_CACHE_DIR
now() { date +%s.%N; }
best() { sort -n | head -n1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-bench-boot.XXXXXX")
trap 'rm -rf "$work"' EXIT

# plain ARCH: seconds for the hand-run QEMU line to print the marker and exit.
plain() {
  local arch=$1 disk cmd start
  disk=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["files"]["disk"])' \
    "$project/build/images/$arch-dev/1.4.0/image.json")
  # osbuild's own line, with the overlay swapped for the raw disk under -snapshot.
  cmd=$("$OSBUILD" -C "$project" qemu dev --arch "$arch" --print-command | grep '^qemu-system')
  cmd=$(sed -E "s#file=[^ ]*/os\.qcow2#file=$project/build/images/$arch-dev/1.4.0/$disk#; s#,format=qcow2#,format=raw#g; s#-drive if=none,id=data[^ ]* -device virtio-blk-pci,drive=data##; s#mon:stdio#stdio#" <<<"$cmd")
  local vars=$work/vars.fd
  cmd=$(sed -E "s#file=[^ ]*efivars\.fd#file=$vars#" <<<"$cmd")
  case $arch in
    x86_64) cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars" ;;
    aarch64) cp --sparse=always /usr/share/AAVMF/AAVMF_VARS.fd "$vars" ;;
  esac
  start=$(now)
  # shellcheck disable=SC2086
  timeout 600 $cmd -snapshot </dev/null | grep -q -a "$marker"
  echo "$(now) - $start" | bc
}

# osbuild_qemu ARCH: seconds for `osbuild qemu --expect` to see the marker and the power-off.
osbuild_qemu() {
  local start
  start=$(now)
  "$OSBUILD" -C "$project" qemu dev --arch "$1" --expect "$marker" --timeout 600 >/dev/null 2>&1
  echo "$(now) - $start" | bc
}

printf '%-8s %12s %12s %7s\n' arch "qemu by hand" "osbuild qemu" ratio
for arch in x86_64 aarch64; do
  [ -f "$project/build/images/$arch-dev/1.4.0/image.json" ] || { echo "$arch: no image, skipped"; continue; }
  p=$(for _ in $(seq "$reps"); do plain "$arch"; done | best)
  o=$(for _ in $(seq "$reps"); do osbuild_qemu "$arch"; done | best)
  printf '%-8s %11.1fs %11.1fs %6.2fx\n' "$arch" "$p" "$o" "$(echo "$o / $p" | bc -l)"
done

# The kernel from the cache: the variant's build with every artifact in the store.
for arch in x86_64 aarch64; do
  rm -rf "$project/build/.osbuild/noop/$arch" "$project/build/.osbuild/variants/$arch/dev.json"
  start=$(now)
  "$OSBUILD" -C "$project" build variant dev --arch "$arch" >/dev/null
  printf 'build variant dev --arch %s from the cache (kernel included): %.2fs\n' "$arch" \
    "$(echo "$(now) - $start" | bc)"
done
