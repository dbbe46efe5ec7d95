#!/usr/bin/env bash
# The quick start's image: examples/hello-os built and imaged. The os-release package's file wins
# over the generated one; the agent and lua are in the root; sgdisk and veritysetup accept it.
source "$OSBUILD_TESTS/integration/image_lib.bash"
setup_hello_os
build_dev

run image dev
expect_status 0
dir=$PROJECT/build/images/$ARCH-dev/1.4.0
disk=$dir/hello-os-dev-$ARCH-1.4.0.img
sgdisk -v "$disk" | grep -q "No problems found" || fail "sgdisk -v"
sgdisk -p "$disk" | grep -q "BOTTLEROCKET-ROOT-B" || fail "no B bank"
lz4 -dc "$dir/hello-os-dev-$ARCH-1.4.0-root.erofs.lz4" >"$TEST_TMP/root.fs"
lz4 -dc "$dir/hello-os-dev-$ARCH-1.4.0-root.verity.lz4" >"$TEST_TMP/root.verity"
root_hash=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["root-hash"])' "$dir/image.json")
veritysetup verify "$TEST_TMP/root.fs" "$TEST_TMP/root.verity" "$root_hash" || fail "veritysetup verify"
fsck.erofs --extract="$TEST_TMP/root" "$TEST_TMP/root.fs" >/dev/null 2>&1 || fail "fsck.erofs"
for f in usr/bin/hello-agent usr/bin/lua usr/lib/os-release sbin/init; do
  [ -e "$TEST_TMP/root/$f" ] || fail "root lacks /$f: $(cd "$TEST_TMP/root" && find . | head -30)"
done
[ -L "$TEST_TMP/root/etc/os-release" ] || fail "etc/os-release is not the package's link"
grep -q 'PRETTY_NAME="hello-os 1.4.0"' "$TEST_TMP/root/usr/lib/os-release" || fail "os-release"
"$TEST_TMP/root/usr/bin/hello-agent" --selftest | grep -q ok || fail "the agent from the image runs"
run image dev
expect_contains "nothing to do"
finish
