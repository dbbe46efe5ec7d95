#!/usr/bin/env bash
# bench/image/run.sh [VERITY_MIB=1024] [TREE_MIB=300]
#
# 1. dm-verity: osbuild's in-process hash tree against `veritysetup format` on the same file and
#    salt (goal: at most 1.2× veritysetup's time), root hashes compared.
# 2. The whole image stage: `osbuild image --force` on a tree of TREE_MIB against the external
#    tools it runs, each run alone on the same inputs (mkfs.erofs, veritysetup format standing in
#    for the in-process tree, mkfs.ext4 for the boot partition, lz4 -9 of the three update images);
#    goal: at most 1.3× their sum.
#
# Needs OSBUILD (the binary) and a build folder holding libosbuild_core.a next to it; prints
# figures and ratios only, never fails on time.
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(dirname "$OSBUILD")
verity_mib=${1:-1024}
tree_mib=${2:-300}
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-image-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

bench=$work/verity_bench
g++ -std=c++20 -O2 -I "$src/include" -I "$build/generated" "$here/verity_bench.cpp" \
  "$build/libosbuild_core.a" -lcrypto -lfmt -o "$bench"

echo "== dm-verity on $verity_mib MiB (salt 32 bytes, sha256, 4 KiB blocks)"
head -c $((verity_mib << 20)) /dev/urandom >"$work/data"
salt=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat "$work/data" >/dev/null  # both runs read from the page cache
best_ours=999999; best_theirs=999999
for _ in 1 2 3; do
  read -r ours_hash ours_s < <("$bench" "$work/data" "$work/ours" "$salt")
  t0=$(now)
  theirs_hash=$(veritysetup format --salt "$salt" --uuid 11111111-2222-4333-8444-555555555555 \
    "$work/data" "$work/theirs" | sed -n 's/^Root hash:[[:space:]]*//p')
  theirs_s=$(elapsed "$t0" "$(now)")
  best_ours=$(python3 -c "print(min($best_ours, $ours_s))")
  best_theirs=$(python3 -c "print(min($best_theirs, $theirs_s))")
  rm -f "$work/theirs"
done
[ "$ours_hash" = "$theirs_hash" ] || { echo "root hashes differ: $ours_hash vs $theirs_hash"; exit 1; }
echo "osbuild in-process     ${best_ours}s  ($(ratio "$verity_mib" "$best_ours") MiB/s)"
echo "veritysetup format     ${best_theirs}s  ($(ratio "$verity_mib" "$best_theirs") MiB/s)"
echo "ratio osbuild/veritysetup: $(ratio "$best_ours" "$best_theirs")  (goal <= 1.2; best of 3 each)"
rm -f "$work/data" "$work/ours"

echo "== image stage on a tree of $tree_mib MiB"
p=$work/p
mkdir -p "$p/packages/payload" "$p/variants/bench"
cat >"$p/osbuild.toml" <<TOML
schema-version = 1
name = "bench-os"
release-version = "1.0.0"
TOML
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
set -e
mkdir -p "\$OSBUILD_DESTDIR/usr/share/big" "\$OSBUILD_DESTDIR/usr/share/small"
head -c $(((tree_mib - 20) << 20)) /dev/urandom >"\$OSBUILD_DESTDIR/usr/share/big/blob"
i=0; while [ \$i -lt 2000 ]; do head -c 10240 /dev/urandom >"\$OSBUILD_DESTDIR/usr/share/small/f\$i"; i=\$((i+1)); done
SH
cat >"$p/variants/bench/variant.toml" <<TOML
[variant]
included-packages = ["payload"]
[variant.image]
root-filesystem = "erofs"
os-image-size-mib = 1024
TOML
export OSBUILD_CACHE_DIR=$work/cache
arch=$(uname -m)
mkdir -p "$p/build/.osbuild/variants/$arch"
(cd "$p" && "$OSBUILD" build variant bench >/dev/null)
record=$p/build/.osbuild/variants/$arch/bench.json
if [ ! -f "$record" ]; then  # until the build stage writes its record
  mkdir -p "$(dirname "$record")"
  artifact=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["artifact"])' \
    "$p/build/.osbuild/state/$arch/payload.json")
  printf '{"variant":"bench","arch":"%s","source-date-epoch":1700000000,"os-name":"bench-os","release-version":"1.0.0","included-packages":["payload"],"packages":[{"name":"payload","version":"1.0.0","license":"MIT","artifact":"%s","requires":[]}]}\n' \
    "$arch" "$artifact" >"$record"
fi
(cd "$p" && "$OSBUILD" image bench >/dev/null)  # warm: the tree's artifact in the page cache
t0=$(now); (cd "$p" && "$OSBUILD" image bench --force >/dev/null); image_s=$(elapsed "$t0" "$(now)")

# The same tools alone on the same inputs.
tree=$p/build/packages/$arch/payload
t0=$(now); mkfs.erofs --quiet --all-root -T1700000000 "$work/root.erofs" "$tree"; erofs_s=$(elapsed "$t0" "$(now)")
truncate -s %4096 "$work/root.erofs"
t0=$(now); veritysetup format --salt "$salt" "$work/root.erofs" "$work/root.verity" >/dev/null; vs_s=$(elapsed "$t0" "$(now)")
mkdir -p "$work/boot/grub"; echo "linux /vmlinuz" >"$work/boot/grub/grub.cfg"
t0=$(now); mkfs.ext4 -q -F -b 4096 -O ^has_journal -d "$work/boot" "$work/boot.ext4" 5120 >/dev/null; ext4_s=$(elapsed "$t0" "$(now)")
t0=$(now); for f in root.erofs root.verity boot.ext4; do lz4 -9 -q -f "$work/$f" "$work/$f.lz4"; done; lz4_s=$(elapsed "$t0" "$(now)")
sum_s=$(python3 -c "print(f'{$erofs_s + $vs_s + $ext4_s + $lz4_s:.3f}')")
core_s=$(python3 -c "print(f'{$erofs_s + $vs_s:.3f}')")
echo "osbuild image --force  ${image_s}s"
echo "mkfs.erofs             ${erofs_s}s"
echo "veritysetup format     ${vs_s}s"
echo "mkfs.ext4 (boot)       ${ext4_s}s"
echo "lz4 -9 (3 images)      ${lz4_s}s"
echo "ratio image / (mkfs.erofs + veritysetup): $(ratio "$image_s" "$core_s")"
echo "ratio image / sum of the tools:           $(ratio "$image_s" "$sum_s")  (goal <= 1.3)"
