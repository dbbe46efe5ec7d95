#!/usr/bin/env bash
# The ELF arch check: an x86_64 binary in an aarch64 build's output is refused, naming the file
# and both machines; the same tree built through the aarch64 toolchain passes.
. "$(dirname "$0")/lib.bash"
export ZIG_GLOBAL_CACHE_DIR=$TEST_TMP/zig-cache ZIG_LOCAL_CACHE_DIR=$TEST_TMP/zig-cache
cd "$TEST_TMP"
mkdir -p dest/usr/bin dest/usr/share
printf 'int main(void) { return 0; }\n' >hello.c
echo "not an ELF file" >dest/usr/share/readme
gcc hello.c -o dest/usr/bin/hello

run toolchains check-elf --arch aarch64 dest
expect_status 1
expect_contains "osbuild: error: dest/usr/bin/hello: ELF file for x86_64 (e_machine 62), but the target is aarch64 (e_machine 183)"
run toolchains check-elf --arch x86_64 dest
expect_status 0

run toolchains shim --arch aarch64 --out "$TEST_TMP/tools"
expect_status 0
tools/osbuild-cc hello.c -o dest/usr/bin/hello || fail "osbuild-cc for aarch64 failed"
ln -sf /bin/true dest/usr/bin/host-link   # symlinks are not followed
run toolchains check-elf --arch aarch64 dest
expect_status 0
finish
