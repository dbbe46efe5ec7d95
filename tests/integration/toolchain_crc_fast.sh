#!/usr/bin/env bash
# The crc-fast regression (seeds/003): aarch64 CRC32 + PMULL + EOR3 intrinsics compiled with
# -march=armv8.2-a+crypto+crc+sha3. Plain `zig cc` fails with "unknown CPU"; osbuild's wrapper
# (the tool dir `toolchains shim` writes for the resolved zig toolchain) builds it, and the
# program runs under qemu-aarch64-static with results equal to a portable C reference.
. "$(dirname "$0")/lib.bash"
DATA=$OSBUILD_TESTS/data/toolchain
FLAGS=-march=armv8.2-a+crypto+crc+sha3
export ZIG_GLOBAL_CACHE_DIR=$TEST_TMP/zig-cache ZIG_LOCAL_CACHE_DIR=$TEST_TMP/zig-cache
cd "$TEST_TMP"

out=$(zig cc -target aarch64-linux-gnu $FLAGS -O2 -c "$DATA/crc_pmull.c" -o plain.o 2>&1); status=$?
[ "$status" != 0 ] || fail "plain zig cc accepted $FLAGS: the regression no longer reproduces"
expect_contains "unknown CPU: 'armv8.2'"

run toolchains shim --arch aarch64 --out "$TEST_TMP/tools"
expect_status 0
expect_contains "# toolchain zig-aarch64-linux-gnu"
expect_contains "CC=$TEST_TMP/tools/osbuild-cc"
[ -L tools/osbuild-cc ] || fail "tools/osbuild-cc is not a symlink to osbuild"

out=$(OSBUILD_LOG_LEVEL=debug tools/osbuild-cc $FLAGS -O2 "$DATA/crc_pmull.c" -o crc 2>&1); status=$?
expect_status 0
expect_contains "rule march-arm: '$FLAGS' → '-mcpu=generic+v8_2a+crypto+crc+sha3 -Xassembler $FLAGS'"
file_out=$(od -An -tx1 -j18 -N2 crc | tr -d ' ')
expect_eq "$file_out" "b700" "e_machine of crc is aarch64 (183)"

out=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu ./crc 2>&1); status=$?
expect_status 0
expect_contains "ok"
ref=$(printf '%s\n' "$out" | sed -n 's/^reference //p')
got=$(printf '%s\n' "$out" | sed -n 's/^intrinsic //p')
expect_eq "$got" "$ref" "intrinsics against the portable reference"
# The reference itself, computed on the build machine and by Python's zlib.
gcc -O2 "$DATA/crc_pmull.c" -o ref && host=$(./ref | sed -n 's/^reference //p')
expect_eq "$ref" "$host" "the aarch64 reference equals the x86_64 one"
zcrc=$(python3 -c 'import zlib; print("%08x" % zlib.crc32(b"osbuild: crc32 and pmull through zig cc"))')
case "$got" in "crc32=$zcrc "*) ;; *) fail "crc32 should be $zcrc (zlib), got: $got" ;; esac

# The assembler sees the features too (zig#10411): plain zig fails on aese/crc32cx/eor3.
out=$(zig cc -target aarch64-linux-gnu -mcpu=generic+v8_2a+crypto+crc+sha3 -c "$DATA/crypto.S" -o p.o 2>&1)
expect_contains "instruction requires: aes"
out=$(tools/osbuild-cc $FLAGS -c "$DATA/crypto.S" -o crypto.o 2>&1); status=$?
expect_status 0

# -mcpu=native cannot mean anything for an aarch64 target built on x86_64.
out=$(tools/osbuild-cc -mcpu=native -c "$DATA/crc_pmull.c" -o n.o 2>&1); status=$?
expect_status 1
expect_contains "osbuild-cc: error: -mcpu=native asks for the build machine's CPU (x86_64), but this compiles for aarch64"

# The GNU-named scripts autotools looks for with --host, and the static archive tools.
out=$(tools/aarch64-linux-gnu-gcc -O2 -c "$DATA/crc_pmull.c" $FLAGS -o crc.o 2>&1); status=$?
expect_status 0
out=$(tools/osbuild-ar rcs libcrc.a crc.o && tools/osbuild-ranlib libcrc.a 2>&1); status=$?
expect_status 0
cp crc crc.stripped
out=$(tools/osbuild-strip crc.stripped 2>&1); status=$?
expect_status 0
[ "$(stat -c %s crc.stripped)" -lt "$(stat -c %s crc)" ] || fail "osbuild-strip did not shrink crc"
out=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu ./crc.stripped 2>&1)
expect_contains "ok"
grep -q 'set(CMAKE_SYSTEM_PROCESSOR aarch64)' tools/toolchain.cmake || fail "toolchain.cmake: $(cat tools/toolchain.cmake)"
grep -q "OSBUILD_CONFIGURE_ARGS='--host=aarch64-linux-gnu --build=x86_64-linux-gnu'" tools/toolchain.env ||
  fail "toolchain.env: $(cat tools/toolchain.env)"
finish
