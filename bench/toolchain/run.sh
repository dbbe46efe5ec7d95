#!/usr/bin/env bash
# Compiles zlib's 15 library sources (-O2 -c, one at a time, as make -j1 would) with three
# compilers and prints the times side by side with ratios against the host gcc:
#   host gcc (x86_64, native), aarch64-linux-gnu-gcc (Debian cross), and zig cc for aarch64
#   through osbuild's wrapper (osbuild-cc from `osbuild toolchains shim`).
# zig caches every compiled file by content, so each zig run gets an empty cache (that is what a
# first build of a package costs); a second, warm run is printed too. Then links minigzip once
# per compiler: zig's cold link includes building glibc's startup files and stubs for the target.
# Usage: OSBUILD=build/osbuild bench/toolchain/run.sh [repetitions]
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
here=$(cd "$(dirname "$0")" && pwd)
reps=${1:-3}
# The lookaside layout: <name>/<sha512>/<name>.
tarball=$(find "$here/../../examples/lookaside/zlib_1.2.13.dfsg.orig.tar.bz2" -type f 2>/dev/null | head -n1)
[ -n "$tarball" ] || { echo "zlib is not in examples/lookaside: run examples/fill-lookaside.sh"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-bench-toolchain.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xjf "$tarball" -C "$work" --strip-components=1
cd "$work"
mkdir -p project && printf 'schema-version = 1\nname = "bench"\nrelease-version = "1.0.0"\n' >project/osbuild.toml
"$OSBUILD" -C project toolchains shim --arch aarch64 --out "$work/tools" >/dev/null
sources="adler32.c crc32.c deflate.c infback.c inffast.c inflate.c inftrees.c trees.c zutil.c compress.c uncompr.c gzclose.c gzlib.c gzread.c gzwrite.c"

now() { date +%s.%N; }
# compile CC...: seconds to compile every source once.
compile() {
  local start; start=$(now)
  for f in $sources; do "$@" -O2 -w -DZ_HAVE_UNISTD_H -I. -c "$f" -o "out/${f%.c}.o"; done
  echo "$(now) - $start" | bc
}
best() { sort -n | head -n1; }

mkdir -p out
declare -A t
run_set() {
  local name=$1; shift
  local v=()
  for _ in $(seq "$reps"); do
    if [ "$name" = "zig-cold" ]; then rm -rf "$work/zc"; fi
    v+=("$(ZIG_GLOBAL_CACHE_DIR=$work/zc ZIG_LOCAL_CACHE_DIR=$work/zc compile "$@")")
  done
  t[$name]=$(printf '%s\n' "${v[@]}" | best)
}
run_set gcc gcc
run_set cross aarch64-linux-gnu-gcc
run_set zig-cold "$work/tools/osbuild-cc"
run_set zig-warm "$work/tools/osbuild-cc"

link() {  # link minigzip against the objects; prints seconds
  local start; start=$(now)
  "$@" -O2 -w -DZ_HAVE_UNISTD_H -I. test/minigzip.c out/*.o -o out/minigzip
  echo "$(now) - $start" | bc
}
ratio() { printf '%.2f' "$(echo "scale=4; $1 / ${t[gcc]}" | bc)"; }
l=()
rm -rf "$work/zc"
for cc in gcc aarch64-linux-gnu-gcc; do
  for f in $sources; do "$cc" -O2 -w -DZ_HAVE_UNISTD_H -I. -c "$f" -o "out/${f%.c}.o"; done
  l[${#l[@]}]=$(link "$cc")
done
for f in $sources; do ZIG_GLOBAL_CACHE_DIR=$work/zc "$work/tools/osbuild-cc" -O2 -w -DZ_HAVE_UNISTD_H -I. -c "$f" -o "out/${f%.c}.o"; done
rm -rf "$work/zc"
zl_cold=$(ZIG_GLOBAL_CACHE_DIR=$work/zc ZIG_LOCAL_CACHE_DIR=$work/zc link "$work/tools/osbuild-cc")
zl_warm=$(ZIG_GLOBAL_CACHE_DIR=$work/zc ZIG_LOCAL_CACHE_DIR=$work/zc link "$work/tools/osbuild-cc")

echo "zlib 1.2.13: 15 sources, -O2 -c, best of $reps; minigzip link once"
printf '%-34s %10s %8s %10s\n' compiler compile ratio link
printf '%-34s %9.2fs %8s %9.2fs\n' "gcc (x86_64, native)" "${t[gcc]}" 1.00 "${l[0]}"
printf '%-34s %9.2fs %8s %9.2fs\n' "aarch64-linux-gnu-gcc" "${t[cross]}" "$(ratio "${t[cross]}")" "${l[1]}"
printf '%-34s %9.2fs %8s %9.2fs\n' "zig cc aarch64 (osbuild-cc, cold)" "${t[zig-cold]}" "$(ratio "${t[zig-cold]}")" "$zl_cold"
printf '%-34s %9.2fs %8s %9.2fs\n' "zig cc aarch64 (osbuild-cc, warm)" "${t[zig-warm]}" "$(ratio "${t[zig-warm]}")" "$zl_warm"
