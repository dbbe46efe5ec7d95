#!/usr/bin/env bash
# A root whose programs cannot start is refused: a dynamically linked binary without its
# interpreter and libc names the binary and both missing files, and says that no package ships
# them; linked statically, the same program makes an image. The root gets the folders init mounts
# onto.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
script_package prog "mkdir -p \"\$OSBUILD_DESTDIR/usr/bin\"
printf 'int main(void) { return 0; }\\n' >prog.c
\$CC \$LINK prog.c -o \"\$OSBUILD_DESTDIR/usr/bin/prog\"" 'requires = ["base"]'
sed -i 's/^included-packages = .*/included-packages = ["app", "kernel", "prog"]/' \
  "$PROJECT/variants/dev/variant.toml"
sed -i 's/^\[build\]$/[build]\nenv = { LINK = "" }/' "$PROJECT/packages/prog/package.toml"
build_dev

run image dev
expect_status 1
expect_contains "osbuild: error: /usr/bin/prog cannot start in the image:"
expect_contains "libc.so.6"
expect_contains "its interpreter /lib"
expect_contains "not in the root file system"
expect_contains "no package of the build ships ld-linux-"
expect_contains " or libc.so.6: link /usr/bin/prog statically (-static), or add a package that ships them to included-packages in"

sed -i 's/LINK = ""/LINK = "-static"/' "$PROJECT/packages/prog/package.toml"
rm -rf "$PROJECT/build/.osbuild/variants"
build_dev
run image dev
expect_status 0
expect_contains "made image"
lz4 -dc "$(IMAGES)/tiny-os-dev-$ARCH-1.0.0-root.erofs.lz4" >"$TEST_TMP/root.fs"
fsck.erofs --extract="$TEST_TMP/root" "$TEST_TMP/root.fs" >/dev/null 2>&1 || fail "fsck.erofs"
for d in dev proc sys run tmp; do [ -d "$TEST_TMP/root/$d" ] || fail "the root lacks /$d"; done
expect_eq "$(stat -c %a "$TEST_TMP/root/tmp")" 1777 "mode of /tmp"
finish
