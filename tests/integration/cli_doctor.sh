#!/usr/bin/env bash
# `osbuild doctor` lists every external program with its version, or the line that installs it
# when it is missing, and every library with the version built with and the one running.
. "$(dirname "$0")/lib.bash"

run doctor
expect_status 0
for program in bwrap unshare gcc aarch64-linux-gnu-gcc zig mkfs.erofs mksquashfs mkfs.ext4 \
  veritysetup sgdisk qemu-img qemu-system-x86_64 qemu-system-aarch64 lz4 zstd git skopeo \
  docker-registry nginx uefi-x86_64 uefi-aarch64; do
  printf '%s\n' "$out" | grep -Eq "^$program +(ok|missing) " || fail "doctor does not list $program"
done
# A present program shows its own version line.
expect_contains "$(git --version)"
for lib in libcurl OpenSSL libarchive libgit2 toml++ CLI11 fmt spdlog zstd; do
  printf '%s\n' "$out" | grep -Eq "^${lib//+/\\+} +[0-9-]" || fail "doctor does not list library $lib: $out"
done

# With the programs out of reach, each is missing with its install line.
mkdir -p "$TEST_TMP/bin"
PATH=$TEST_TMP/bin run doctor
expect_status 0
printf '%s\n' "$out" | grep -Eq "^mkfs.erofs +missing +install: apt-get install erofs-utils" ||
  fail "missing mkfs.erofs without its install line: $out"
printf '%s\n' "$out" | grep -Eq "^zig +missing +install: npm install" || fail "zig install line: $out"
printf '%s\n' "$out" | grep -Eq "^qemu-system-aarch64 +missing +install: apt-get install qemu-system-arm" ||
  fail "qemu-system-aarch64 install line: $out"

run doctor --json
expect_status 0
python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
names = {p["program"] for p in d["programs"]}
assert {"bwrap", "sgdisk", "nginx"} <= names, names
libs = {l["library"]: l for l in d["libraries"]}
assert libs["libcurl"]["running"] and libs["libcurl"]["built_with"], libs
assert d["missing"] == sum(not p["present"] for p in d["programs"]), d
fw = {f["arch"]: f for f in d["firmware"]}
assert fw["x86_64"]["install"] == "apt-get install ovmf", fw
assert fw["aarch64"]["install"] == "apt-get install qemu-efi-aarch64", fw
assert d["firmware_missing"] == sum(not f["present"] for f in d["firmware"]), d
' <<<"$out" || fail "doctor --json: $out"
finish
