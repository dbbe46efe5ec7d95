#!/usr/bin/env bash
# examples/hello-os built for aarch64 on x86_64, without emulation: with zig cc for the project's
# libc:musl platform (the default), and with Debian's cross gcc (--extra-toolchain) once the
# project's platforms are gone (libc:gnu). The programs are static either way and do real work
# under qemu-aarch64-static without a sysroot: zlib's minigzip round-trips a file, Lua runs a
# script, hello-agent's self-test passes.
source "$OSBUILD_TESTS/integration/build_lib.bash"
[ "$(uname -m)" = x86_64 ] || skip "this test cross-compiles from x86_64"
command -v qemu-aarch64-static >/dev/null || skip "qemu-user-static is missing (scripts/install-deps.sh)"
setup_hello_os
pkgs=$PROJECT/build/packages/aarch64

# machine FILE: the ELF e_machine of FILE (183 = aarch64).
machine() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(20); print(struct.unpack("<H", d[18:20])[0])' "$1"; }

check_programs() {  # check_programs LABEL
  for f in zlib/usr/bin/minigzip lua/usr/bin/lua hello-agent/usr/bin/hello-agent init/sbin/init; do
    [ -e "$pkgs/$f" ] || { fail "$1: $f missing"; continue; }
    expect_eq "$(machine "$pkgs/$f")" 183 "$1: $f is an aarch64 ELF"
  done
  for f in init/sbin/init hello-agent/usr/bin/hello-agent lua/usr/bin/lua zlib/usr/bin/minigzip; do
    file -b "$pkgs/$f" | grep -q 'statically linked' || fail "$1: $f is not static: $(file -b "$pkgs/$f")"
  done
  head -c 200000 "$pkgs/zlib/usr/include/zlib.h" >"$TEST_TMP/sample"
  qemu-aarch64-static "$pkgs/zlib/usr/bin/minigzip" <"$TEST_TMP/sample" >"$TEST_TMP/sample.gz" ||
    fail "$1: minigzip compress"
  [ "$(stat -c %s "$TEST_TMP/sample.gz")" -lt 100000 ] || fail "$1: minigzip did not compress"
  qemu-aarch64-static "$pkgs/zlib/usr/bin/minigzip" -d <"$TEST_TMP/sample.gz" |
    cmp - "$TEST_TMP/sample" || fail "$1: minigzip round trip"
  cat >"$TEST_TMP/fib.lua" <<'LUA'
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
print(fib(20), table.concat(words, "-"), string.format("%.3f", math.pi))
LUA
  expect_eq "$(qemu-aarch64-static "$pkgs/lua/usr/bin/lua" "$TEST_TMP/fib.lua")" \
    "6765	THE-QUICK-BROWN-FOX	3.142" "$1: lua script"
  qemu-aarch64-static "$pkgs/hello-agent/usr/bin/hello-agent" --selftest | grep -q ok ||
    fail "$1: hello-agent --selftest"
}

if command -v zig >/dev/null; then
  run build variant dev --arch aarch64 --explain
  expect_status 0
  expect_contains "explain: toolchain: zig-aarch64-linux-musl"
  expect_eq "$(built_count)" 5 "zig build"
  check_programs zig
  run build variant dev --arch aarch64
  expect_contains "nothing to do: 5 packages up to date"
else
  echo "zig is missing: only the cross gcc is tested (scripts/install-deps.sh installs zig)"
fi

command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc is missing"
# Debian's cross gcc compiles for libc:gnu: without the project's libc:musl platforms the built-in
# linux-aarch64 applies (and the programs link glibc statically).
sed -i '/^\[platform\./,$d' "$PROJECT/osbuild.toml"
# Another toolchain is another key: everything that compiles is built again with it.
run build variant dev --arch aarch64 --extra-toolchain gcc-aarch64-linux-gnu --explain
expect_status 0
expect_contains "explain: toolchain: gcc-aarch64-linux-gnu"
expect_eq "$(built_count)" 5 "cross gcc build"
check_programs "cross gcc"

# The aarch64 disk image of what was just built: a GPT that sgdisk accepts, the agent inside.
run image dev --arch aarch64
expect_status 0
disk=$(ls "$PROJECT"/build/images/aarch64-dev/latest/*-aarch64-*.img 2>/dev/null | grep -v -- '-data.img' | head -n 1)
[ -n "$disk" ] || fail "no aarch64 disk image: $out"
[ -n "$disk" ] && { sgdisk -v "$disk" | grep -q "No problems found" || fail "sgdisk -v rejects $disk"; }
finish
