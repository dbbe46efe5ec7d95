#!/usr/bin/env bash
# Build hello-os's packages by hand under osbuild's build contract (docs: "package.toml"), without
# osbuild, then smoke-test the results. Meant for people editing a package's build.sh.
#
# Usage: examples/check-build.sh [--arch x86_64|aarch64] [--zig] [--keep] [PACKAGE...]
#   default: every package, in dependency order. Needs the lookaside (./fill-lookaside.sh) and, for
#   a foreign arch, Debian's cross gcc (gcc-<arch>-linux-gnu) and qemu-user-static to run the tests.
#   --zig compiles with `zig cc -target <arch>-linux-gnu` (zig from PATH or $ZIG) instead of gcc.
# Like osbuild, each build gets a fresh work dir holding the first archive unpacked (top folder
# stripped), $OSBUILD_SOURCES with the raw downloads and the source groups, a sysroot merged from
# its `depends`, and a clean environment. Unlike osbuild there is no sandbox, cache or ELF check.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project="$here/hello-os"
lookaside="$here/lookaside"
arch=$(uname -m) keep=0 zig=0 packages=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --arch) arch=$2; shift ;;
    --keep) keep=1 ;;
    --zig) zig=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) packages+=("$1") ;;
  esac
  shift
done
case $arch in amd64) arch=x86_64 ;; arm64) arch=aarch64 ;; esac
target="$arch-linux-gnu"
[[ ${#packages[@]} -gt 0 ]] || packages=(zlib lua init hello-agent os-release)

out=$(mktemp -d "${TMPDIR:-/tmp}/check-build.XXXXXX")
[[ $keep == 1 ]] || trap 'rm -rf "$out"' EXIT
run=()
[[ $arch == "$(uname -m)" ]] || run=("qemu-$arch-static" -L "/usr/$target")
if [[ $zig == 1 ]]; then
  zig=${ZIG:-$(command -v zig || true)}
  [[ -x $zig ]] || { echo "check-build: zig not found (put it on PATH or set ZIG)" >&2; exit 1; }
  tools=(CC="$zig cc -target $target" AR="$zig ar" RANLIB="$zig ranlib" STRIP=true
         ZIG_GLOBAL_CACHE_DIR="$out/zig-cache" ZIG_LOCAL_CACHE_DIR="$out/zig-cache")
elif [[ -z ${run[*]} ]]; then
  tools=(CC=gcc AR=ar RANLIB=ranlib STRIP=strip)
else
  tools=(CC="$target-gcc" AR="$target-ar" RANLIB="$target-ranlib" STRIP="$target-strip")
  command -v "$target-gcc" >/dev/null || { echo "check-build: $target-gcc is missing (apt-get install gcc-$target)" >&2; exit 1; }
fi

# `key = ["a", "b"]` on one line of [package] → "a b"
list_key() { sed -nE "s/^$2[[:space:]]*=[[:space:]]*\[(.*)\].*/\1/p" "$1" | tr -d '",' ; }
# path and sha512 of each [[external-files]] entry, as "path sha512" lines
external_files() {
  awk 'function v(l) { match(l, /"[^"]*"/); return substr(l, RSTART + 1, RLENGTH - 2) }
       function flush() { if (e) { if (p == "") { n = split(u, a, "/"); p = a[n] } print p, s } e = 0; u = p = s = "" }
       /^\[\[external-files\]\]/ { flush(); e = 1; next } /^\[/ { flush(); next }
       e && /^url[ \t]*=/ { u = v($0) } e && /^path[ \t]*=/ { p = v($0) } e && /^sha512[ \t]*=/ { s = v($0) }
       END { flush() }' "$1"
}

for pkg in "${packages[@]}"; do
  manifest="$project/packages/$pkg/package.toml"
  [[ -f $manifest ]] || { echo "check-build: no package '$pkg'" >&2; exit 1; }
  work="$out/$pkg/work" sources="$out/$pkg/sources" sysroot="$out/$pkg/sysroot" dest="$out/$pkg/dest"
  mkdir -p "$work" "$sources" "$sysroot" "$dest"
  unpacked=0
  while read -r path sha512; do
    file="$lookaside/$path/$sha512/$path"
    [[ -f $file ]] || { echo "check-build: $file is missing; run examples/fill-lookaside.sh" >&2; exit 1; }
    cp "$file" "$sources/$path"
    if [[ $unpacked == 0 && $path =~ \.(tar(\.(gz|bz2|xz|zst))?|tgz)$ ]]; then
      tar -xf "$file" -C "$work" --strip-components=1 && unpacked=1
    fi
  done < <(external_files "$manifest")
  for group in $(list_key "$manifest" source-groups); do cp -r "$project/sources/$group" "$sources/$group"; done
  for dep in $(list_key "$manifest" depends); do cp -a "$out/$dep/dest/." "$sysroot/"; done
  extra=()
  if grep -qE '^uses-release-version[[:space:]]*=[[:space:]]*true' "$manifest"; then
    extra=(OSBUILD_OS_NAME="$(sed -nE 's/^name[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$project/osbuild.toml")"
           OSBUILD_RELEASE_VERSION="$(sed -nE 's/^release-version[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$project/osbuild.toml")")
  fi
  echo "check-build: building $pkg for $arch"
  if ! (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" LC_ALL=C "${tools[@]}" \
      CFLAGS="-O2" LDFLAGS="" OSBUILD_SOURCES="$sources" OSBUILD_SYSROOT="$sysroot" \
      OSBUILD_DESTDIR="$dest" OSBUILD_JOBS="$(nproc)" MAKEFLAGS="-j$(nproc)" \
      OSBUILD_ARCH="$arch" OSBUILD_TARGET="$target" \
      OSBUILD_PACKAGE_NAME="$pkg" SOURCE_DATE_EPOCH=1700000000 "${extra[@]}" \
      "$project/packages/$pkg/build.sh" >"$out/$pkg/build.log" 2>&1); then
    tail -n 30 "$out/$pkg/build.log" >&2
    echo "check-build: $pkg failed; log: $out/$pkg/build.log" >&2
    keep=1; trap - EXIT; exit 1
  fi
done

# Smoke tests for whatever was built.
fail=0
check() {  # check NAME EXPECTED COMMAND...
  local name=$1 want=$2 got; shift 2
  if got=$("$@" 2>&1) && [[ $got == *"$want"* ]]; then echo "ok   $name"; else echo "FAIL $name: $got"; fail=1; fi
}
built() { [[ -d $out/$1/dest ]]; }
if built zlib; then
  head -c 200000 "$out/zlib/dest/usr/include/zlib.h" >"$out/sample"
  check "minigzip round trip" "" bash -c "${run[*]} '$out/zlib/dest/usr/bin/minigzip' <'$out/sample' | ${run[*]} '$out/zlib/dest/usr/bin/minigzip' -d | cmp - '$out/sample'"
fi
built lua && check "lua -e 'print(1+1)'" 2 "${run[@]}" "$out/lua/dest/usr/bin/lua" -e 'print(1+1)'
built lua && check "luac -v" "Lua 5.4" "${run[@]}" "$out/lua/dest/usr/bin/luac" -v
built hello-agent && check "hello-agent --selftest" ok "${run[@]}" "$out/hello-agent/dest/usr/bin/hello-agent" --selftest
if built init; then
  root="$out/os-release/dest"; built os-release || { root="$out/fake-root"; mkdir -p "$root/etc"; echo 'PRETTY_NAME="fake 0"' >"$root/etc/os-release"; }
  check "init --check" "$(built os-release && echo 'hello-os' || echo fake)" "${run[@]}" "$out/init/dest/sbin/init" --check "$root"
fi
[[ $keep == 1 ]] && echo "check-build: outputs kept in $out"
exit $fail
