#!/usr/bin/env bash
# A package whose target-compatible-with excludes the target platform is skipped with its reason;
# one that another package needs fails the build with the chain; one asked for by name fails.
# A cross build that installs host binaries fails after the build, naming the file.
source "$OSBUILD_TESTS/integration/build_lib.bash"
[ "$(uname -m)" = x86_64 ] || skip "this test cross-compiles from x86_64"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package portable 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo hi >"$OSBUILD_DESTDIR/etc/portable"'
script_package x86-only 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo hi >"$OSBUILD_DESTDIR/etc/x86"'
sed -i 's/^\[build\]$/[build]\ntarget-compatible-with = ["cpu:x86_64"]/' "$PROJECT/packages/x86-only/package.toml"
mkdir -p variants/dev
printf '[variant]\nincluded-packages = ["portable", "x86-only"]\n' >variants/dev/variant.toml

run build variant dev --arch x86_64
expect_status 0
expect_eq "$(built_list)" "portable x86-only" "x86_64 builds both"

run build variant dev --arch aarch64
expect_status 0
expect_contains "skipping x86-only for linux-aarch64"
expect_eq "$(built_list)" "portable" "aarch64 skips x86-only"
grep -q '"x86-only"' "$PROJECT/build/.osbuild/variants/aarch64/dev.json" &&
  fail "the variant record lists a skipped package"

run build package x86-only --arch aarch64
expect_status 1
expect_contains "x86-only cannot be built for linux-aarch64"

script_package needs-it 'true' 'depends = ["x86-only"]'
printf '[variant]\nincluded-packages = ["portable", "needs-it"]\n' >variants/dev/variant.toml
run build variant dev --arch aarch64
expect_status 1
expect_contains "needs-it needs x86-only, which cannot be built for linux-aarch64"

# Copying a host program instead of compiling with $CC: the arch check catches it.
script_package host-binary 'install -D -m 0755 /bin/true "$OSBUILD_DESTDIR/usr/bin/true"'
run build package host-binary --arch aarch64
expect_status 1
expect_contains "build of host-binary failed"
expect_contains "dest/usr/bin/true: ELF file for x86_64"
expect_contains "but the target is aarch64"
expect_contains "make it use \$CC"
run build package host-binary --arch x86_64
expect_status 0
finish
